"""Orders and rounds: the writes of the "before the meeting" part of the cycle."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.catalogue.services import lock_version
from klyngepakke.outbox.services import enqueue
from klyngepakke.registry.models import Cluster, ClusterAssignment, Member
from klyngepakke.tasks.backoff import run_items, waiting_items

from .models import Answer, Invitation, Order, OrderEvent, PartialAnswers, Response, ResponseCountSnapshot, Round

State = Order.State

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
}

DEFAULT_SURVEY_DAYS = 14
DEFAULT_REMINDER_DAYS = [7, 2]


class OrderError(Exception):
    """A step that the order's state or data does not allow; the message is Danish for the UI."""


def _move(order: Order, state: str, by: AbstractBaseUser | None, note: str = "") -> None:
    if state not in TRANSITIONS[order.state]:
        raise OrderError(f"Bestillingen kan ikke gå fra '{order.get_state_display()}' til '{State(state).label}'.")
    order.state = state
    order.save(update_fields=["state"])
    OrderEvent.objects.create(order=order, state=state, by=by, note=note[:300])


@transaction.atomic
def order_package(cluster: Cluster, package: Package, by: AbstractBaseUser | None) -> Order:
    if package.current_version is None:
        raise OrderError("Pakken er ikke indlæst i kataloget.")
    order = Order.objects.create(cluster=cluster, package=package)
    OrderEvent.objects.create(order=order, state=State.ORDERED, by=by)
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
    order.meeting_date = meeting_date
    order.meeting_starts_at = starts_at
    order.meeting_place = place
    order.meeting_minutes = minutes
    order.program_notes = program_notes
    order.save(update_fields=["meeting_date", "meeting_starts_at", "meeting_place", "meeting_minutes", "program_notes"])
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


@transaction.atomic
def open_round(
    order: Order,
    closes_at: datetime,
    by: AbstractBaseUser | None,
    reminder_days: list[int] | None = None,
) -> Round:
    order = Order.objects.select_for_update(of=("self",)).select_related("package__current_version").get(pk=order.pk)
    now = timezone.now()
    if closes_at <= now:
        raise OrderError("Lukketidspunktet skal ligge i fremtiden.")
    if order.rounds.filter(closed_at__isnull=True).exists():
        raise OrderError("Bestillingen har allerede en åben runde.")
    version = order.package.current_version
    if version is None:
        raise OrderError("Pakken er ikke indlæst i kataloget.")
    lock_version(version)
    round_ = Round.objects.create(
        order=order,
        package_version=version,
        opened_at=now,
        closes_at=closes_at,
        reminder_days=sorted(set(reminder_days if reminder_days is not None else DEFAULT_REMINDER_DAYS), reverse=True),
    )
    _move(order, State.SURVEY_OPEN, by)
    invite_members(round_)
    return round_


def invite_members(round_: Round) -> int:
    """Invite every active member of the cluster not yet invited; queue their e-mails."""
    members = Member.objects.filter(practice__cluster=round_.order.cluster, active=True).exclude(
        invitations__round=round_
    )
    created = 0
    for member in members:
        invitation = Invitation.objects.create(round=round_, member=member)
        enqueue("survey_invitation", member.email, "Invitation til spørgeskema", {"invitation": invitation.pk})
        created += 1
    return created


@transaction.atomic
def extend_round(round_: Round, closes_at: datetime, by: AbstractBaseUser | None) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise OrderError("Runden er lukket og kan ikke forlænges.")
    if closes_at <= max(round_.closes_at, timezone.now()):
        raise OrderError("Den nye lukkedato skal ligge efter den nuværende.")
    round_.closes_at = closes_at
    round_.save(update_fields=["closes_at"])
    OrderEvent.objects.create(
        order=round_.order, state=round_.order.state, by=by, note=f"Runde forlænget til {closes_at:%d.%m.%Y}"
    )
    return round_


@transaction.atomic
def close_round(round_: Round, by: AbstractBaseUser | None) -> Round:
    """Close a round: drop partial answers, re-store responses in random order, freeze."""
    round_ = Round.objects.select_for_update(of=("self",)).select_related("order").get(pk=round_.pk)
    if round_.is_open:
        _close(round_, by)
    return round_


def _close(round_: Round, by: AbstractBaseUser | None) -> None:
    # The caller holds the round's row lock (PostgreSQL) or SQLite's write lock.
    round_.closed_at = timezone.now()
    round_.save(update_fields=["closed_at"])
    PartialAnswers.objects.filter(invitation__round=round_).delete()
    _reshuffle_responses(round_)
    order = Order.objects.select_for_update().get(pk=round_.order_id)
    _move(order, State.SURVEY_CLOSED, by)
    _tell_coordinators_if_under_k(round_)


def close_due_round(round_id: int, now: datetime) -> bool:
    """Close the round if it is still open and due; False if someone else closed it."""
    with transaction.atomic():
        round_ = (
            Round.objects.select_for_update(of=("self",))
            .filter(pk=round_id, closed_at__isnull=True, closes_at__lte=now)
            .first()
        )
        if round_ is None:
            return False
        _close(round_, None)
    return True


def min_group_size(round_: Round) -> int:
    """k of the round's package version: the fewest answers whose results are shown."""
    return int(round_.package_version.document.get("results", {}).get("min_group_size", 5))


def _tell_coordinators_if_under_k(round_: Round) -> None:
    """A round that closed with fewer than k answers has no results to show: the
    coordinators hear it at once, before they plan the meeting around a deck."""
    answered = Invitation.objects.filter(round=round_, answered=True).count()
    if answered >= min_group_size(round_):
        return
    emails = (
        ClusterAssignment.objects.filter(cluster_id=round_.order.cluster_id, role=ClusterAssignment.Role.COORDINATOR)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    title = round_.package_version.document["title"]["da"]
    for email in sorted(set(emails)):
        enqueue("round_closed_under_k", email, f"For få svar til resultater: {title}", {"round": round_.pk})


def close_due_rounds(now: datetime | None = None) -> int:
    """Close every open round whose time has come (the scheduler's duty). Safe with
    several workers: each round is claimed, then closed under its row lock; a round that
    fails to close is logged and backs off without holding up the others."""
    now = now or timezone.now()
    due = (
        Round.objects.filter(closed_at__isnull=True, closes_at__lte=now)
        .exclude(pk__in=waiting_items("close_due_rounds"))
        .order_by("closes_at", "pk")
        .values_list("pk", flat=True)
    )
    return run_items("close_due_rounds", list(due), lambda round_id: close_due_round(round_id, now)).done


def _reshuffle_responses(round_: Round) -> None:
    # Rows inserted during the round sit in the order people answered (heap order in
    # PostgreSQL, rowid in SQLite). Re-inserting them in random order with new keys
    # removes that last trace of who answered when.
    rows = list(
        Answer.objects.filter(response__round=round_).values_list("response_id", "code", "option", "value", "text")
    )
    by_response: dict[object, list[tuple[str, str, float | None, str]]] = {}
    for response_id, code, option, value, text in rows:
        by_response.setdefault(response_id, []).append((code, option, value, text))
    empty = list(Response.objects.filter(round=round_).exclude(pk__in=by_response).values_list("pk", flat=True))
    groups = list(by_response.values()) + [[] for _ in empty]
    random.SystemRandom().shuffle(groups)
    Response.objects.filter(round=round_).delete()
    for answers in groups:
        _store_response(round_, answers)


def _store_response(round_: Round, answers: list[tuple[str, str, float | None, str]]) -> Response:
    response = Response.objects.create(round=round_)
    Answer.objects.bulk_create([Answer(response=response, code=c, option=o, value=v, text=t) for c, o, v, t in answers])
    return response


@dataclass(frozen=True)
class SubmitOutcome:
    stored: bool
    reason: str = ""  # "already_answered" | "closed" when not stored


def store_submission(
    invitation_id: int, rows: list[tuple[str, str, float | None, str]], *, round_id: int | None = None
) -> SubmitOutcome:
    """Store one questionnaire exactly once; `round_id` is the invitation's round if known.

    The conditional UPDATE is the guard: of any number of concurrent submits for the
    same invitation only one sees answered=False (a condition on the invitation row
    itself, which PostgreSQL re-checks on the row a concurrent claim left), and only
    while the round is open (checked in the same statement, inside the transaction, so
    on SQLite under the write lock). Its response is written in the same transaction.
    The response row carries no link back to the invitation.
    """
    if round_id is None:
        round_id = Invitation.objects.filter(pk=invitation_id).values_list("round_id", flat=True).first()
        if round_id is None:
            return SubmitOutcome(False, "closed")
    # Built before the transaction, so that the write lock (all of SQLite) is held only
    # for the statements themselves.
    response = Response(round_id=round_id)
    answers = [Answer(response=response, code=c, option=o, value=v, text=t) for c, o, v, t in rows]
    with transaction.atomic():
        open_round = Round.objects.filter(pk=round_id, closed_at__isnull=True, closes_at__gt=timezone.now())
        claimed = Invitation.objects.filter(pk=invitation_id, answered=False, round__in=open_round.values("pk")).update(
            answered=True
        )
        if claimed != 1:
            return SubmitOutcome(False, _refusal(invitation_id))
        response.save(force_insert=True)
        Answer.objects.bulk_create(answers)
        PartialAnswers.objects.filter(invitation_id=invitation_id).delete()
    return SubmitOutcome(True)


def _refusal(invitation_id: int) -> str:
    found = (
        Invitation.objects.filter(pk=invitation_id)
        .values_list("answered", "round__closed_at", "round__closes_at")
        .first()
    )
    if found is None:
        return "closed"
    answered, closed_at, closes_at = found
    if closed_at is not None or closes_at <= timezone.now():
        return "closed"
    return "already_answered" if answered else "closed"


def default_closes_at(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    day = (now + timedelta(days=DEFAULT_SURVEY_DAYS)).date()
    return timezone.make_aware(datetime.combine(day, datetime.max.time().replace(microsecond=0)))


def shown_response_count(round_: Round) -> int:
    """The response count a coordinator may see now.

    While a round is open the figure is frozen at the first look of each day, so
    watching the page never shows that one particular colleague has just answered.
    """
    answered = Invitation.objects.filter(round=round_, answered=True).count()
    if not round_.is_open:
        return answered
    snapshot, _ = ResponseCountSnapshot.objects.get_or_create(
        round=round_, day=timezone.localdate(), defaults={"count": answered}
    )
    return snapshot.count


def save_partial(invitation_id: int, answers: dict[str, object], *, exists: bool = True) -> None:
    """Keep a respondent's answers so far. One statement: an UPDATE of the row, or its
    INSERT on the first page (`exists=False`: the caller read that there is none yet)."""
    if exists and PartialAnswers.objects.filter(invitation_id=invitation_id).update(answers=answers):
        return
    try:
        with transaction.atomic():
            PartialAnswers.objects.create(invitation_id=invitation_id, answers=answers)
    except IntegrityError:  # a second tab created it meanwhile
        PartialAnswers.objects.filter(invitation_id=invitation_id).update(answers=answers)
