"""Writes of the cycle, and every state rule they follow: the order's states (the only
place they change; surveys calls `survey_opened`/`survey_closed` for its rounds), the
meeting record, decisions, practice plans and the follow-up.

A step the order's state or the data does not allow raises `CycleError` (`OrderError`
for the order's states) with a Danish message for the page; views only show it. Every
write is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.core.survey_schedule import MIN_DAYS_CLOSE_BEFORE_MEETING
from klyngepakke.formats import danish_date
from klyngepakke.outbox.services import enqueue
from klyngepakke.registry.models import Cluster, Member
from klyngepakke.support.tokens import hash_token, looks_like_token

from . import selectors
from .models import (
    CycleEvent,
    Decision,
    MeasurePoint,
    MeetingRecord,
    Order,
    OrderEvent,
    PlanRow,
    PlanToken,
    PracticePlan,
)
from .signals import meeting_planned, order_placed

State = Order.State

# Before the meeting: a second order of the same package for the same cluster is refused
# while one of these is running (it would invite every doctor a second time).
RUNNING = {State.ORDERED, State.PLANNED, State.SURVEY_OPEN, State.SURVEY_CLOSED}
# After the meeting: the states in which the meeting record and decisions may be edited.
AFTER_MEETING = {State.MEETING_HELD, State.FOLLOW_UP_DUE}
# A follow-up 6 to 12 months after the meeting (seed 001), counted in days.
FOLLOW_UP_MIN_DAYS = 182
FOLLOW_UP_MAX_DAYS = 366
MAX_FOCUS_AREAS = 10
MAX_MINUTES = 12 * 60
MAX_ATTENDEES = 999


class CycleError(Exception):
    """A step the order's state or data does not allow; the message is Danish for the UI."""


# --- The order's states ---------------------------------------------------------------

# Which state may follow which. Opening a round straight from "ordered" is allowed
# (a consultant may open it for a coordinator before the meeting is planned).
TRANSITIONS: dict[str, set[str]] = {
    State.ORDERED: {State.PLANNED, State.SURVEY_OPEN, State.DONE},
    State.PLANNED: {State.PLANNED, State.SURVEY_OPEN, State.DONE},
    State.SURVEY_OPEN: {State.SURVEY_CLOSED},
    State.SURVEY_CLOSED: {State.MEETING_HELD, State.SURVEY_OPEN, State.DONE},
    State.MEETING_HELD: {State.FOLLOW_UP_DUE, State.DONE},
    State.FOLLOW_UP_DUE: {State.DONE},
    State.DONE: set(),
    State.CANCELLED: set(),  # klyngepakke.cycle.ordering.cancel_order
}

# The meeting may be planned (or re-planned) until it has been held.
PLANNABLE = {State.ORDERED, State.PLANNED, State.SURVEY_OPEN, State.SURVEY_CLOSED}


class OrderError(CycleError):
    """A step that the order's state (or its round's) does not allow; Danish for the UI."""


def _move(order: Order, state: str, by: AbstractBaseUser | None, note: str = "") -> None:
    if state not in TRANSITIONS[order.state]:
        raise OrderError(f"Bestillingen kan ikke gå fra '{order.get_state_display()}' til '{State(state).label}'.")
    order.state = state
    order.save(update_fields=["state"])
    OrderEvent.objects.create(order=order, state=state, by=by, note=note[:300])


@transaction.atomic
def new_order(cluster: Cluster, package: Package, by: AbstractBaseUser | None) -> Order:
    """A bare order of `package` (`order_package` also links a follow-up to its order)."""
    if package.current_version is None:
        raise OrderError("Pakken er ikke indlæst i kataloget.")
    order = Order.objects.create(cluster=cluster, package=package)
    OrderEvent.objects.create(order=order, state=State.ORDERED, by=by)
    order_placed.send(sender=Order, order=order)  # the consultants hear of it (notifications)
    return order


@transaction.atomic
def plan_meeting(
    order: Order,
    *,
    meeting_date: date | None,
    place: str,
    minutes: int | None,
    program_notes: str,
    by: AbstractBaseUser | None,
    starts_at: time | None = None,
) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state not in PLANNABLE:
        # After the meeting the plan is history (the meeting record says what happened).
        raise OrderError(f"Bestillingen er '{order.get_state_display()}': mødeplanen kan ikke ændres nu.")
    _check_scheduled_meeting(order, meeting_date)
    order.meeting_date = meeting_date
    order.meeting_starts_at = starts_at
    order.meeting_place = place
    order.meeting_minutes = minutes
    order.program_notes = program_notes
    order.save(update_fields=["meeting_date", "meeting_starts_at", "meeting_place", "meeting_minutes", "program_notes"])
    # The meeting files show the plan: materials listens and drops them, the scheduler
    # builds them again (a download meanwhile renders them without storing).
    meeting_planned.send(sender=Order, order=order)
    if order.state == State.ORDERED:
        _move(order, State.PLANNED, by)
    else:
        OrderEvent.objects.create(order=order, state=order.state, by=by, note="Mødeplan ændret")
    return order


@transaction.atomic
def record_meeting_held(order: Order, follow_up_due_on: date | None, by: AbstractBaseUser | None) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _move(order, State.MEETING_HELD, by)
    if follow_up_due_on is not None:
        order.follow_up_due_on = follow_up_due_on
        order.save(update_fields=["follow_up_due_on"])
    return order


@transaction.atomic
def mark_done(order: Order, by: AbstractBaseUser | None) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _move(order, State.DONE, by)
    return order


def mark_follow_ups_due(today: date) -> int:
    """Orders whose follow-up date has come move to "follow-up due".

    Each move is a conditional UPDATE (still "meeting held"), so an order a consultant
    has just marked done stays done, and of two workers running this at once only one
    moves an order and records its event.
    """
    moved = 0
    due = Order.objects.filter(state=State.MEETING_HELD, follow_up_due_on__lte=today)
    for order_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            if not due.filter(pk=order_id).update(state=State.FOLLOW_UP_DUE):
                continue  # moved on meanwhile (done, or by another worker)
            OrderEvent.objects.create(order_id=order_id, state=State.FOLLOW_UP_DUE, note="Opfølgningsdato nået")
        moved += 1
    return moved


def _check_scheduled_meeting(order: Order, meeting_date: date | None) -> None:
    """A survey scheduled from the meeting (klyngepakke.cycle.ordering) closes at least
    MIN_DAYS_CLOSE_BEFORE_MEETING days before it: a new meeting date must keep that."""
    if order.survey_closes_on is None or order.state not in (State.ORDERED, State.PLANNED):
        return
    if meeting_date is None:
        raise OrderError("Spørgeskemaet er planlagt ud fra mødedatoen, så mødedatoen kan ikke fjernes.")
    if order.survey_closes_on > meeting_date - timedelta(days=MIN_DAYS_CLOSE_BEFORE_MEETING):
        raise OrderError(
            f"Spørgeskemaet lukker {danish_date(order.survey_closes_on)}, og det skal lukke senest "
            f"{MIN_DAYS_CLOSE_BEFORE_MEETING} dage før mødet. Flyt spørgeskemaets datoer først."
        )


def survey_opened(order: Order, by: AbstractBaseUser | None) -> None:
    """surveys opened a round of the (locked) order."""
    _move(order, State.SURVEY_OPEN, by)


def survey_closed(order_id: int, by: AbstractBaseUser | None) -> None:
    """surveys closed the order's round (inside its transaction)."""
    _move(Order.objects.select_for_update().get(pk=order_id), State.SURVEY_CLOSED, by)


def survey_reopened(order: Order, by: AbstractBaseUser | None, note: str) -> None:
    """surveys reopened the order's round closed by hand the same day (locked order)."""
    _move(order, State.SURVEY_OPEN, by, note=note)


def note_event(order: Order, by: AbstractBaseUser | None, note: str) -> None:
    """A step that leaves the order's state as it is, in its audit trail."""
    OrderEvent.objects.create(order=order, state=order.state, by=by, note=note[:300])


# --- After the meeting --------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFacts:
    held_on: date
    minutes: int
    format: str
    attendees: int
    notes: str


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("package").get(pk=order.pk)


def meeting_refusal(order: Order, record: MeetingRecord | None, today: date | None = None) -> str | None:
    """Why the meeting cannot be recorded (or corrected) now, in Danish; None if it can."""
    today = today or timezone.localdate()
    if record is not None:
        if order.state not in AFTER_MEETING:
            return f"Mødet kan ikke rettes, når bestillingen er '{order.get_state_display()}'."
        return None
    if order.state != State.SURVEY_CLOSED:
        return f"Mødet kan først registreres, når spørgeskemaet er lukket (status nu: {order.get_state_display()})."
    if order.meeting_date is not None and today < order.meeting_date:
        planned = danish_date(order.meeting_date)
        return f"Mødet er planlagt til {planned} og kan først registreres som holdt fra den dag."
    return None


def decisions_refusal(order: Order) -> str | None:
    """Why the decisions cannot be recorded now, in Danish; None if they can."""
    if order.state not in AFTER_MEETING or not MeetingRecord.objects.filter(order=order).exists():
        return "Beslutningerne kan registreres, når mødet er registreret som holdt, og før bestillingen er afsluttet."
    return None


def _check_facts(order: Order, facts: MeetingFacts, today: date) -> None:
    if facts.held_on > today:
        raise CycleError("Mødet kan først registreres, når det er holdt: datoen ligger i fremtiden.")
    if not 1 <= facts.minutes <= MAX_MINUTES:
        raise CycleError(f"Mødets længde skal være mellem 1 og {MAX_MINUTES} minutter.")
    if facts.format not in MeetingRecord.Format.values:
        raise CycleError("Vælg, om mødet var fysisk eller virtuelt.")
    if not 1 <= facts.attendees <= MAX_ATTENDEES:
        raise CycleError(f"Antal deltagere skal være mellem 1 og {MAX_ATTENDEES}.")
    if len(facts.notes) > 5000:
        raise CycleError("Noterne må højst være 5000 tegn.")


def _facts_data(facts: MeetingFacts) -> dict[str, Any]:
    return {
        "held_on": facts.held_on.isoformat(),
        "minutes": facts.minutes,
        "format": facts.format,
        "attendees": facts.attendees,
        "notes": facts.notes,
    }


@transaction.atomic
def record_meeting(
    order: Order, facts: MeetingFacts, by: AbstractBaseUser | None, *, today: date | None = None
) -> MeetingRecord:
    """The meeting has been held: record it, and move the order to "meeting held".

    Only once, only after the survey has closed and not before the planned meeting
    date. When this order is the follow-up of an earlier one, the earlier order is done.
    """
    today = today or timezone.localdate()
    order = _locked(order)
    if MeetingRecord.objects.filter(order=order).exists():
        raise CycleError("Mødet er allerede registreret. Ret registreringen i stedet.")
    refusal = meeting_refusal(order, None, today)
    if refusal is not None:
        raise CycleError(refusal)
    _check_facts(order, facts, today)
    record = MeetingRecord.objects.create(
        order=order,
        held_on=facts.held_on,
        minutes=facts.minutes,
        format=facts.format,
        attendees=facts.attendees,
        notes=facts.notes,
    )
    record_meeting_held(order, None, by)
    CycleEvent.objects.create(order=order, kind=CycleEvent.Kind.MEETING_RECORDED, by=by, data=_facts_data(facts))
    ensure_plans(order)
    _close_followed_order(order, by)
    return record


def _close_followed_order(order: Order, by: AbstractBaseUser | None) -> None:
    """The follow-up's meeting is held: the order it follows up has done its work."""
    if order.follows_up_id is None:
        return
    earlier = Order.objects.select_for_update().get(pk=order.follows_up_id)
    if earlier.state in AFTER_MEETING:
        _move(earlier, State.DONE, by, note="Opfølgningens møde er holdt")


@transaction.atomic
def correct_meeting(
    order: Order, facts: MeetingFacts, by: AbstractBaseUser | None, *, today: date | None = None
) -> MeetingRecord:
    """Correct the meeting record; who corrected what, when, is kept in the history."""
    today = today or timezone.localdate()
    order = _locked(order)
    record = MeetingRecord.objects.select_for_update().filter(order=order).first()
    if record is None:
        raise CycleError("Mødet er ikke registreret endnu.")
    refusal = meeting_refusal(order, record, today)
    if refusal is not None:
        raise CycleError(refusal)
    _check_facts(order, facts, today)
    record.held_on = facts.held_on
    record.minutes = facts.minutes
    record.format = facts.format
    record.attendees = facts.attendees
    record.notes = facts.notes
    record.save()
    CycleEvent.objects.create(order=order, kind=CycleEvent.Kind.MEETING_CORRECTED, by=by, data=_facts_data(facts))
    return record


@dataclass(frozen=True)
class DecisionInput:
    # (code, what the cluster hopes to see), in the order chosen.
    measure_points: list[tuple[str, str]]
    focus_areas: list[str]
    follow_up_package: Package | None
    follow_up_on: date | None
    topic_meetings: str


@transaction.atomic
def save_decisions(order: Order, decisions: DecisionInput, by: AbstractBaseUser | None) -> Decision:
    """Record (or correct) what the cluster decided at its meeting.

    The measure points must be among the package's eligible ones; the follow-up package
    must be this package or one that follows it up; the follow-up date 6-12 months after
    the meeting. The follow-up date becomes the order's follow-up due date.
    """
    order = _locked(order)
    refusal = decisions_refusal(order)
    if refusal is not None:
        raise CycleError(refusal)
    record = MeetingRecord.objects.get(order=order)
    eligible = {p.code for p in selectors.eligible_measure_points(order)}
    codes = [code for code, _ in decisions.measure_points]
    if len(set(codes)) != len(codes):
        raise CycleError("Et målepunkt er valgt to gange.")
    unknown = [code for code in codes if code not in eligible]
    if unknown:
        raise CycleError(f"'{unknown[0]}' er ikke et af pakkens målepunkter.")
    if any(len(hope) > 500 for _, hope in decisions.measure_points):
        raise CycleError("Teksten om, hvad klyngen håber at se, må højst være 500 tegn.")
    areas = [a.strip() for a in decisions.focus_areas if a.strip()]
    if len(areas) > MAX_FOCUS_AREAS or any(len(a) > 200 for a in areas):
        raise CycleError(f"Højst {MAX_FOCUS_AREAS} fokusområder på hver højst 200 tegn.")
    package = decisions.follow_up_package
    if package is not None and package.pk not in {p.pk for p in selectors.follow_up_packages(order)}:
        raise CycleError(f"{package.title} er ikke en opfølgning på {order.package.title}.")
    if (package is None) != (decisions.follow_up_on is None):
        raise CycleError("Vælg både opfølgningspakke og opfølgningsdato (eller ingen af dem).")
    if decisions.follow_up_on is not None:
        earliest = record.held_on + timedelta(days=FOLLOW_UP_MIN_DAYS)
        latest = record.held_on + timedelta(days=FOLLOW_UP_MAX_DAYS)
        if not earliest <= decisions.follow_up_on <= latest:
            raise CycleError(
                "Opfølgningen skal ligge 6-12 måneder efter mødet: "
                f"mellem {danish_date(earliest)} og {danish_date(latest)}."
            )
    if order.state == State.FOLLOW_UP_DUE and decisions.follow_up_on != order.follow_up_due_on:
        raise CycleError("Opfølgningen er allerede forfalden; datoen kan ikke ændres nu.")
    decision, _ = Decision.objects.update_or_create(
        order=order,
        defaults={
            "focus_areas": areas,
            "follow_up_package": package,
            "follow_up_on": decisions.follow_up_on,
            "topic_meetings": decisions.topic_meetings.strip()[:5000],
        },
    )
    decision.measure_points.all().delete()
    MeasurePoint.objects.bulk_create(
        MeasurePoint(decision=decision, code=code, hope=hope.strip()) for code, hope in decisions.measure_points
    )
    if order.follow_up_due_on != decisions.follow_up_on:
        order.follow_up_due_on = decisions.follow_up_on
        order.save(update_fields=["follow_up_due_on"])
    CycleEvent.objects.create(
        order=order,
        kind=CycleEvent.Kind.DECISIONS_SAVED,
        by=by,
        data={
            "measure_points": [{"code": c, "hope": h} for c, h in decisions.measure_points],
            "focus_areas": areas,
            "follow_up_package": package.code if package else None,
            "follow_up_on": decisions.follow_up_on.isoformat() if decisions.follow_up_on else None,
            "topic_meetings": decision.topic_meetings,
        },
    )
    return decision


def follow_up_refusal(order: Order) -> str | None:
    """Why a follow-up cannot be ordered now (Danish), or None when it can."""
    if order.state not in AFTER_MEETING:
        return "En opfølgning kan bestilles, når mødet er holdt, og før bestillingen er afsluttet."
    decision = Decision.objects.filter(order=order).select_related("follow_up_package").first()
    if decision is None or decision.follow_up_package is None:
        return "Registrér først klyngens beslutning om, hvilken pakke opfølgningen skal bruge."
    if Order.objects.filter(follows_up=order).exists():
        return "Opfølgningen er allerede bestilt."
    if Order.objects.filter(cluster=order.cluster, package=decision.follow_up_package, state__in=RUNNING).exists():
        return "Klyngen har allerede en igangværende bestilling af opfølgningspakken."
    if decision.follow_up_package.current_version_id is None:
        return "Opfølgningspakken er ikke indlæst i kataloget."
    return None


@transaction.atomic
def order_follow_up(order: Order, by: AbstractBaseUser | None) -> Order:
    """One click: order the follow-up the cluster decided, linked to this order."""
    order = _locked(order)
    refusal = follow_up_refusal(order)
    if refusal is not None:
        raise CycleError(refusal)
    decision = Decision.objects.select_related("follow_up_package").get(order=order)
    assert decision.follow_up_package is not None  # follow_up_refusal checked it
    new = new_order(order.cluster, decision.follow_up_package, by)
    new.follows_up = order
    new.save(update_fields=["follows_up"])
    CycleEvent.objects.create(
        order=order, kind=CycleEvent.Kind.FOLLOW_UP_ORDERED, by=by, data={"order": new.pk, "package": new.package.code}
    )
    return new


def follow_up_candidates(cluster: Cluster, package: Package) -> list[Order]:
    """The cluster's orders that an order of `package` may follow up: those of the package
    its file says it follows up, after their meeting, not yet followed up."""
    version = package.current_version
    followed = version.document.get("follows_up") if version is not None else None
    if not followed:
        return []
    return list(
        Order.objects.filter(cluster=cluster, package__code=followed, state__in=AFTER_MEETING)
        .exclude(follow_ups__isnull=False)
        .order_by("pk")
    )


@transaction.atomic
def order_package(cluster: Cluster, package: Package, by: AbstractBaseUser | None) -> Order:
    """ "Bestil pakke": order a package; a follow-up package is linked to the order it
    follows up when the cluster has exactly one candidate (otherwise it stays unlinked)."""
    new = new_order(cluster, package, by)
    candidates = follow_up_candidates(cluster, package)
    if len(candidates) == 1:
        new.follows_up = candidates[0]
        new.save(update_fields=["follows_up"])
        CycleEvent.objects.create(
            order=candidates[0],
            kind=CycleEvent.Kind.FOLLOW_UP_ORDERED,
            by=by,
            data={"order": new.pk, "package": package.code},
        )
    return new


# --- Practice implementation plans ----------------------------------------------------

MAX_PLAN_ROWS = 20
# Each practice is asked to mark its plan's status this long before the follow-up date.
STATUS_REQUEST_DAYS_BEFORE = 21


def plans_refusal(order: Order) -> str | None:
    """Why practice plans cannot be made or changed now, in Danish; None if they can."""
    if order.state not in AFTER_MEETING or not MeetingRecord.objects.filter(order=order).exists():
        return "Praksisplanerne kan laves, når mødet er registreret som holdt, og før bestillingen er afsluttet."
    return None


def ensure_plans(order: Order) -> list[PracticePlan]:
    """One plan per practice of the cluster (idempotent; the unique constraint holds)."""
    existing = set(PracticePlan.objects.filter(order=order).values_list("practice_id", flat=True))
    PracticePlan.objects.bulk_create(
        [PracticePlan(order=order, practice=p) for p in order.cluster.practices.exclude(pk__in=existing)],
        ignore_conflicts=True,
    )
    return list(PracticePlan.objects.filter(order=order).select_related("practice"))


def _practice_addresses(plan: PracticePlan) -> list[str]:
    return list(
        Member.objects.filter(practice_id=plan.practice_id, active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )


@transaction.atomic
def send_plan_link(plan: PracticePlan, by: AbstractBaseUser | None) -> int:
    """E-mail the practice's doctors a link of their own to the plan.

    Sending again replaces the old links: the plan's tokens are deleted now, and each
    e-mail gets a fresh token when it is sent (only its SHA-256 is stored).
    """
    plan = PracticePlan.objects.select_for_update().select_related("order", "practice").get(pk=plan.pk)
    refusal = plans_refusal(plan.order)
    if refusal is not None:
        raise CycleError(refusal)
    addresses = _practice_addresses(plan)
    if not addresses:
        raise CycleError(f"{plan.practice.name} har ingen aktive medlemmer med en e-mailadresse.")
    PlanToken.objects.filter(plan=plan).delete()
    for address in addresses:
        enqueue("practice_plan_link", address, "Jeres implementeringsplan", {"plan": plan.pk})
    return len(addresses)


@dataclass(frozen=True)
class PlanRowInput:
    what: str
    why: str = ""
    first_step: str = ""
    who: str = ""
    by_when: date | None = None
    how_we_know: str = ""


def coordinator_may_edit(plan: PracticePlan) -> bool:
    """The coordinator may fill in a plan for the practice while it is empty, and edit it
    afterwards only if the practice shares it: a practice's own text stays its own."""
    return plan.shared or not plan.rows.exists()


@transaction.atomic
def save_plan(
    plan: PracticePlan,
    rows: list[PlanRowInput],
    status: str,
    shared: bool,
    by: AbstractBaseUser | None,
    *,
    as_practice: bool,
) -> PracticePlan:
    """Save a practice's plan: from the practice's own link (`as_practice`), or by the
    coordinator for them (only while it is empty or shared)."""
    plan = PracticePlan.objects.select_for_update().select_related("order").get(pk=plan.pk)
    refusal = plans_refusal(plan.order)
    if refusal is not None:
        raise CycleError(refusal)
    if not as_practice and not coordinator_may_edit(plan):
        raise CycleError("Praksis har ikke delt sin plan med klyngen, så den kan kun ændres fra praksissens eget link.")
    if status not in PracticePlan.Status.values:
        raise CycleError("Vælg en gyldig status for planen.")
    rows = [r for r in rows if any((r.what, r.why, r.first_step, r.who, r.how_we_know, r.by_when))]
    if len(rows) > MAX_PLAN_ROWS:
        raise CycleError(f"En plan kan højst have {MAX_PLAN_ROWS} rækker.")
    for number, row in enumerate(rows, start=1):
        if not row.what.strip():
            raise CycleError(f"Række {number}: skriv, hvad I vil ændre.")
        if max(len(row.what), len(row.why), len(row.first_step), len(row.how_we_know)) > 500 or len(row.who) > 200:
            raise CycleError(f"Række {number}: teksten er for lang (højst 500 tegn pr. felt).")
    plan.rows.all().delete()
    PlanRow.objects.bulk_create(
        PlanRow(
            plan=plan,
            position=index,
            what=r.what.strip(),
            why=r.why.strip(),
            first_step=r.first_step.strip(),
            who=r.who.strip(),
            by_when=r.by_when,
            how_we_know=r.how_we_know.strip(),
        )
        for index, r in enumerate(rows)
    )
    plan.status = status
    # Only the practice gives or withdraws its consent to share.
    if as_practice:
        plan.shared = shared
    plan.updated_at = timezone.now()
    plan.save(update_fields=["status", "shared", "updated_at"])
    return plan


def plan_for_token(token: str) -> PracticePlan | None:
    """The plan a link token opens, or None (unknown, replaced or malformed)."""
    if not looks_like_token(token):
        return None
    found = PlanToken.objects.select_related("plan__order__cluster", "plan__practice").filter(
        token_hash=hash_token(token)
    )
    first = found.first()
    return first.plan if first is not None else None


# --- Duties ---------------------------------------------------------------------------


def request_plan_statuses(today: date | None = None) -> int:
    """Before the follow-up, ask each practice (e-mail) to mark its plan's status.

    Each plan is claimed with a conditional UPDATE (still not asked) in the same
    transaction as its e-mails, so two workers at once ask each practice once.
    """
    today = today or timezone.localdate()
    due = PracticePlan.objects.filter(
        status_request_queued_at__isnull=True,
        order__state=State.MEETING_HELD,
        order__follow_up_due_on__isnull=False,
        order__follow_up_due_on__lte=today + timedelta(days=STATUS_REQUEST_DAYS_BEFORE),
    )
    asked = 0
    for plan_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # The claim's condition is on the plan's own row only: PostgreSQL re-checks
            # it after waiting for another worker's claim, which a joined condition
            # (a subquery) would not be.
            claim = PracticePlan.objects.filter(pk=plan_id, status_request_queued_at__isnull=True)
            if not claim.update(status_request_queued_at=timezone.now()):
                continue  # asked meanwhile by another worker
            plan = PracticePlan.objects.get(pk=plan_id)
            for address in _practice_addresses(plan):
                enqueue("practice_plan_status", address, "Hvordan går det med jeres plan?", {"plan": plan.pk})
        asked += 1
    return asked
