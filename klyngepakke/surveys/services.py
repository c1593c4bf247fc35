"""Orders and rounds: the writes of the "before the meeting" part of the cycle."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.catalogue.services import lock_version
from klyngepakke.outbox.services import enqueue
from klyngepakke.registry.models import Cluster, ClusterAssignment, Member
from klyngepakke.tasks.backoff import run_items, waiting_items

from . import drafts
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
    State.CANCELLED: set(),  # klyngepakke.cycle.ordering.cancel_order
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
    _check_scheduled_meeting(order, meeting_date)
    order.meeting_date = meeting_date
    order.meeting_starts_at = starts_at
    order.meeting_place = place
    order.meeting_minutes = minutes
    order.program_notes = program_notes
    order.save(update_fields=["meeting_date", "meeting_starts_at", "meeting_place", "meeting_minutes", "program_notes"])
    # The meeting files show the plan: drop them, the scheduler builds them again (a
    # download meanwhile renders them without storing).
    from klyngepakke.materials.services import drop_materials

    drop_materials(order.rounds.filter(closed_at__isnull=False).values_list("pk", flat=True))
    if order.state == State.ORDERED:
        _move(order, State.PLANNED, by)
    else:
        OrderEvent.objects.create(order=order, state=order.state, by=by, note="Mødeplan ændret")
    return order


def _check_scheduled_meeting(order: Order, meeting_date: date | None) -> None:
    """A survey scheduled from the meeting (klyngepakke.cycle.ordering) closes at least
    MIN_DAYS_CLOSE_BEFORE_MEETING days before it: a new meeting date must keep that."""
    from klyngepakke.core.survey_schedule import MIN_DAYS_CLOSE_BEFORE_MEETING

    if order.survey_closes_on is None or order.state not in (State.ORDERED, State.PLANNED):
        return
    if meeting_date is None:
        raise OrderError("Spørgeskemaet er planlagt ud fra mødedatoen, så mødedatoen kan ikke fjernes.")
    if order.survey_closes_on > meeting_date - timedelta(days=MIN_DAYS_CLOSE_BEFORE_MEETING):
        raise OrderError(
            f"Spørgeskemaet lukker {order.survey_closes_on:%d.%m.%Y}, og det skal lukke senest "
            f"{MIN_DAYS_CLOSE_BEFORE_MEETING} dage før mødet. Flyt spørgeskemaets datoer først."
        )


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
    ResponseCountSnapshot.objects.create(round=round_, day=timezone.localdate(now), count=0)
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
def close_round(round_: Round, by: AbstractBaseUser | None, *, rng: random.Random | None = None) -> Round:
    """Close a round: drop partial answers, mix its responses one last time, freeze.

    A closed round is always mixed: the mixing happens in the closing transaction itself
    (`rng` as in `mix_responses`).
    """
    round_ = Round.objects.select_for_update(of=("self",)).select_related("order").get(pk=round_.pk)
    if round_.is_open:
        _close(round_, by, rng)
    return round_


def _close(round_: Round, by: AbstractBaseUser | None, rng: random.Random | None = None) -> None:
    # The caller holds the round's row lock (PostgreSQL) or SQLite's write lock.
    round_.closed_at = timezone.now()
    round_.save(update_fields=["closed_at"])
    PartialAnswers.objects.filter(invitation__round=round_).delete()
    _mix_round(round_.pk, rng or random.SystemRandom())
    order = Order.objects.select_for_update().get(pk=round_.order_id)
    _move(order, State.SURVEY_CLOSED, by)
    _tell_coordinators_if_under_k(round_)
    transaction.on_commit(_reclaim_dead_rows)


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


def mix_responses(*, rng: random.Random | None = None) -> int:
    """The mixing duty: re-store every round that has responses received since the last pass.

    A submit marks the invitation answered and stores the response in one transaction
    (exactly-once), so on PostgreSQL both rows carry that transaction's id (`xmin`), and
    on both databases the rows sit in submission order. This pass, in ONE transaction
    per run, re-inserts all responses of each such round in random order with fresh
    random keys, deletes the old rows and touches every answered invitation of the
    round, so that afterwards all of them share the mixing transaction's id; then it has
    the database reclaim the old row versions (`_reclaim_dead_rows`). Idempotent: with
    nothing new it writes nothing. Two passes at once are safe: the rounds are locked
    (SELECT ... FOR UPDATE; on SQLite the write lock of IMMEDIATE transactions) and the
    condition re-read under the lock, so the second finds nothing left to do. A submit
    that commits while a pass runs keeps its response (only the rows read are deleted)
    and is mixed by the next pass. `rng` orders the rows (default: the system's CSPRNG);
    keys are always fresh UUID4s. Returns the number of rounds mixed.
    """
    rng = rng or random.SystemRandom()
    if not Response.objects.filter(mixed=False).exists():
        return 0
    mixed = 0
    with transaction.atomic():
        pending = Response.objects.filter(mixed=False).values("round_id")
        for round_id in (
            Round.objects.select_for_update().filter(pk__in=pending).order_by("pk").values_list("pk", flat=True)
        ):
            if Response.objects.filter(round_id=round_id, mixed=False).exists():  # re-read under the lock
                _mix_round(round_id, rng)
                mixed += 1
        if mixed:
            transaction.on_commit(_reclaim_dead_rows)
    return mixed


AnswerRow = tuple[str, str, float | None, str]


def _mix_round(round_id: int, rng: random.Random) -> None:
    # Read, re-insert in random order under new keys, delete exactly the rows read (a
    # concurrent submit's response stays, unmixed, for the next pass), then touch the
    # answered invitations so none keeps the transaction id of its own submit.
    rows = list(
        Answer.objects.filter(response__round_id=round_id).values_list("response_id", "code", "option", "value", "text")
    )
    old_ids = list(Response.objects.filter(round_id=round_id).values_list("pk", flat=True))
    by_response: dict[object, list[AnswerRow]] = {pk: [] for pk in old_ids}
    for response_id, code, option, value, text in rows:
        if response_id in by_response:
            by_response[response_id].append((code, option, value, text))
    groups = list(by_response.values())
    rng.shuffle(groups)
    for start in range(0, len(old_ids), 500):
        Response.objects.filter(pk__in=old_ids[start : start + 500]).delete()
    responses = [Response(id=uuid.uuid4(), round_id=round_id, mixed=True) for _ in groups]
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        [
            Answer(id=uuid.uuid4(), response=response, code=c, option=o, value=v, text=t)
            for response, answers in zip(responses, groups, strict=True)
            for c, o, v, t in answers
        ],
        batch_size=500,
    )
    Invitation.objects.filter(round_id=round_id, answered=True).update(answered=True)


# Tables whose old row versions could tie a response to an invitation: the submit's
# transaction wrote the invitation, the response and its answers, and deleted the
# partial answers (whose dead row names the invitation).
MIXED_TABLES = (Invitation, Response, Answer, PartialAnswers)


def _reclaim_dead_rows() -> None:
    """Have the database drop the old row versions the mixing left behind.

    PostgreSQL: VACUUM (outside a transaction) removes dead tuples no open snapshot can
    still see. SQLite: the mixing deleted with `secure_delete` on, which zeroes the
    content of deleted rows; a checkpoint moves the WAL's page images into the database
    file and truncates the WAL (both best-effort while other readers are active).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in MIXED_TABLES)
            cursor.execute(f"VACUUM {names}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


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


def take_response_count_snapshots(today: date | None = None) -> int:
    """Freeze today's response count of every open round that has none yet (the scheduler
    runs this each pass, so in effect just after midnight; `open_round` takes the first).

    A coordinator sees only these daily figures (`selectors.shown_response_count`), so
    watching the page never shows that one particular colleague has just answered, and
    looking at the page writes nothing. Returns how many snapshots were taken.
    """
    today = today or timezone.localdate()
    rounds = Round.objects.filter(closed_at__isnull=True).exclude(count_snapshots__day=today)
    taken = 0
    for round_id in rounds.values_list("pk", flat=True):
        answered = Invitation.objects.filter(round_id=round_id, answered=True).count()
        _, created = ResponseCountSnapshot.objects.get_or_create(
            round_id=round_id, day=today, defaults={"count": answered}
        )
        taken += created
    return taken


def save_partial(invitation_id: int, answers: dict[str, object], key: bytes, *, exists: bool = True) -> None:
    """Keep a respondent's answers so far, sealed with the key from their link
    (surveys.drafts). One statement: an UPDATE of the row, or its INSERT on the first
    page (`exists=False`: the caller read that there is none yet)."""
    sealed = drafts.seal(key, invitation_id, answers)
    if exists and PartialAnswers.objects.filter(invitation_id=invitation_id).update(sealed=sealed):
        return
    try:
        with transaction.atomic():
            PartialAnswers.objects.create(invitation_id=invitation_id, sealed=sealed)
    except IntegrityError:  # a second tab created it meanwhile
        PartialAnswers.objects.filter(invitation_id=invitation_id).update(sealed=sealed)
