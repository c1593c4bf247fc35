"""Rounds, invitations and responses: the writes of the survey part of the cycle.

The order's states are cycle's (`cycle.services`): opening and closing a round move
the order there, and a step the order or round does not allow raises its `OrderError`."""

from __future__ import annotations

import hashlib
import json
import random
import time as clock
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.models import Q
from django.utils import timezone

from klyngepakke.catalogue.services import lock_version
from klyngepakke.cycle import services as cycle
from klyngepakke.cycle.models import Order, OrderEvent
from klyngepakke.cycle.services import OrderError
from klyngepakke.formats import danish_date
from klyngepakke.outbox.services import enqueue
from klyngepakke.registry.member_services import MemberError
from klyngepakke.registry.models import Member
from klyngepakke.support.backoff import run_items, waiting_items

from . import drafts, selectors, signals
from .models import Invitation, ResponseCountSnapshot, Round
from .response_models import Answer, PartialAnswers, Response

DEFAULT_SURVEY_DAYS = 14
DEFAULT_REMINDER_DAYS = [7, 2]


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
    document = _composed_document(order, version.document)
    round_ = Round.objects.create(
        order=order,
        package_version=version,
        document=document,
        document_hash=_document_hash(document),
        opened_at=now,
        closes_at=closes_at,
        reminder_days=sorted(set(reminder_days if reminder_days is not None else DEFAULT_REMINDER_DAYS), reverse=True),
    )
    cycle.survey_opened(order, by)
    invite_members(round_)
    ResponseCountSnapshot.objects.create(round=round_, day=timezone.localdate(now), count=0)
    signals.survey_opened.send(sender=Round, round_=round_)
    return round_


def _composed_document(order: Order, base: dict[str, Any]) -> dict[str, Any] | None:
    """A follow-up round's questionnaire, frozen now: the cycle says what the meeting it
    follows up chose (cycle.selectors.follow_up_document)."""
    from klyngepakke.core.follow_up import CompositionError
    from klyngepakke.cycle.selectors import follow_up_document

    try:
        return follow_up_document(order, base)
    except CompositionError as exc:
        raise OrderError(str(exc)) from exc


def _document_hash(document: dict[str, Any] | None) -> str:
    if document is None:
        return ""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
    cycle.note_event(round_.order, by, f"Runde forlænget til {danish_date(closes_at)}")
    return round_


@transaction.atomic
def close_round(
    round_: Round, by: AbstractBaseUser | None, *, rng: random.Random | None = None, reopenable: bool = False
) -> Round:
    """Close a round: drop partial answers, mix its responses one last time, freeze.

    A closed round is always mixed: the mixing happens in the closing transaction itself
    (`rng` as in `mix_responses`). `reopenable=True` is "Luk runden nu" on the round
    page: the round may be reopened until the end of the local day, and until then its
    results are not published (`reopen_until`; docs/anonymity.md, rule 5). Otherwise
    (the `close_round` command) the results are published at once.
    """
    round_ = Round.objects.select_for_update(of=("self",)).select_related("order").get(pk=round_.pk)
    if round_.is_open:
        _close(round_, by, rng, reopenable=reopenable)
    return round_


def end_of_local_day(moment: datetime) -> datetime:
    """The next local midnight after `moment` (00.00 tomorrow, Copenhagen time)."""
    tomorrow = timezone.localdate(moment) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def _close(
    round_: Round, by: AbstractBaseUser | None, rng: random.Random | None = None, *, reopenable: bool = False
) -> None:
    # The caller holds the round's row lock (PostgreSQL) or SQLite's write lock.
    round_.closed_at = timezone.now()
    round_.reopen_until = end_of_local_day(round_.closed_at) if reopenable else None
    round_.save(update_fields=["closed_at", "reopen_until"])
    PartialAnswers.objects.filter(invitation__round=round_).delete()
    _mix_round(round_.pk, rng or random.SystemRandom())
    cycle.survey_closed(round_.order_id, by)
    if not reopenable:
        # A coordinator who closed by hand saw the daily count and the warning; an e-mail
        # with the exact count now would tell the live count at each close and reopen.
        _tell_coordinators_if_under_k(round_)
    transaction.on_commit(_reclaim_dead_rows)


@transaction.atomic
def reopen_round(round_: Round, closes_at: datetime, by: AbstractBaseUser | None) -> Round:
    """Reopen a round closed by hand by mistake, the same day, with a new close date.

    Allowed only inside the reopen window (`reopen_until`), in which nothing of the
    round has been published, so reopening changes no published figure. Invitations are
    not sent again (the links still work); partial answers dropped at the close stay
    dropped. Refused with a Danish message otherwise.
    """
    round_ = Round.objects.select_for_update(of=("self",)).select_related("order").get(pk=round_.pk)
    now = timezone.now()
    if round_.closed_at is None:
        raise OrderError("Runden er åben og skal ikke genåbnes.")
    if round_.reopen_until is None:
        raise OrderError(
            "Runden lukkede ved svarfristen og kan ikke genåbnes; dens resultater er offentliggjort. "
            "Forlæng svarfristen i en ny runde i stedet."
        )
    if now >= round_.reopen_until:
        raise OrderError(
            "Runden kan kun genåbnes samme dag, som den blev lukket; dens resultater er nu offentliggjort."
        )
    if closes_at <= now:
        raise OrderError("Den nye svarfrist skal ligge i fremtiden.")
    order = Order.objects.select_for_update().get(pk=round_.order_id)
    if order.state != Order.State.SURVEY_CLOSED:
        raise OrderError(
            f"Bestillingen er gået videre ({order.get_state_display().lower()}), så runden kan ikke genåbnes."
        )
    if (
        order.rounds.exclude(pk=round_.pk)
        .filter(Q(closed_at__isnull=True) | Q(opened_at__gt=round_.opened_at))
        .exists()
    ):
        raise OrderError("Bestillingen har en nyere runde, så denne runde kan ikke genåbnes.")
    round_.closed_at = None
    round_.reopen_until = None
    round_.closes_at = closes_at
    round_.save(update_fields=["closed_at", "reopen_until", "closes_at"])
    cycle.survey_reopened(order, by, f"Runde genåbnet; ny svarfrist {danish_date(closes_at)}")
    return round_


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
    coordinators (and the consultants) hear it at once, before they plan the meeting
    around a deck (notifications listens to `signals.round_closed`)."""
    answered = Invitation.objects.filter(round=round_, answered=True).count()
    signals.round_closed.send(sender=Round, round_=round_, answered=answered, k=min_group_size(round_))


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
# Of those, the ones whose replaced rows name a person (the invitation's id): rewritten
# soon after a pass. They are small (an invitation per member and round), so the lock is
# brief. The response and answer tables are the largest; their replaced rows hold the
# submit's transaction id and the answers but no invitation, and they are rewritten on a
# slower cadence (docs/anonymity.md, "Inside the database").
NAMING_TABLES = (Invitation, PartialAnswers)
ANSWER_TABLES = (Response, Answer)


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
    if connection.vendor == "postgresql":
        # The first pass whose replaced rows still lie, as bytes, in the tables' files.
        now = clock.time()
        cache.add(UNCOMPACTED_SINCE, now, timeout=None)
        cache.add(ANSWERS_UNCOMPACTED_SINCE, now, timeout=None)


# Set by the first mixing pass after a rewrite (PostgreSQL): the moment from which the
# files of NAMING_TABLES (ANSWER_TABLES) hold bytes of replaced row versions (see
# compact_mixed_tables).
UNCOMPACTED_SINCE = "surveys:mixing-uncompacted-since"
ANSWERS_UNCOMPACTED_SINCE = "surveys:mixing-answers-uncompacted-since"


def compact_mixed_tables(*, now: float | None = None) -> int:
    """Rewrite the files of the mixed tables (PostgreSQL `VACUUM FULL`): the tables whose
    replaced rows name an invitation at most `MIXING_COMPACT_SECONDS` after a mixing
    pass, the response and answer tables at most `MIXING_COMPACT_ANSWERS_SECONDS` after
    one; returns the number of tables rewritten.

    `VACUUM` (after every pass) removes the replaced row versions from the pages, but
    PostgreSQL does not clear the space they occupied: until it is reused, the page still
    holds their bytes, header included. Read from a copy of the data files, the old
    invitation version (its submit's transaction id, the invitation's id) and the old
    answers (the same transaction id, the old response's id, the answers) carve back
    exactly the link the mixing removed. A rewrite copies only the live rows into new
    files and drops the old ones. It takes each table's ACCESS EXCLUSIVE lock for the
    copy (requests wait; `lock_timeout` keeps a busy table from stalling everyone: the
    duty then fails and is retried). Rewriting the invitation and partial-answer tables
    alone already leaves no byte that names whose answers they were; the answer table is
    the largest (seconds per million rows), hence its slower cadence. SQLite needs none:
    `secure_delete` zeroes deleted rows in place. docs/anonymity.md, "Inside the database".
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return 0
    now = clock.time() if now is None else now
    due = [
        (key, since, tables)
        for key, tables, wait in (
            (UNCOMPACTED_SINCE, NAMING_TABLES, settings.MIXING_COMPACT_SECONDS),
            (ANSWERS_UNCOMPACTED_SINCE, ANSWER_TABLES, settings.MIXING_COMPACT_ANSWERS_SECONDS),
        )
        if (since := cache.get(key)) is not None and now - since >= wait
    ]
    if not due:
        return 0
    rewritten: list[int] = []
    # VACUUM cannot run inside a transaction: after the caller's commit (at once when
    # there is none, as in a worker), like the mixing's own VACUUM.
    transaction.on_commit(lambda: rewritten.append(_rewrite_mixed_tables(due)))
    return sum(rewritten)


def _rewrite_mixed_tables(due: list[tuple[str, float, tuple[type[models.Model], ...]]]) -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    rewritten = 0
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")
        try:
            for key, since, tables in due:
                # Cleared first: a pass that commits during the rewrite marks the tables again.
                cache.delete(key)
                try:
                    for model in tables:
                        cursor.execute(f"VACUUM FULL {connection.ops.quote_name(model._meta.db_table)}")
                        rewritten += 1
                except Exception:
                    cache.add(key, since, timeout=None)  # still due
                    raise
        finally:
            cursor.execute("RESET lock_timeout")
    return rewritten


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


def closes_at_end_of(day: date) -> datetime:
    """The close of a round whose last answering day is `day` (local time): the coordinator's
    page and the scheduled opening both give the whole day."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


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


@transaction.atomic
def invite_late(round_: Any, *, by: AbstractBaseUser | None) -> int:
    """Invite to an open round the cluster's active members it has not invited yet (added
    after it opened, or back from having left): each gets an invitation and the normal
    invitation e-mail with a fresh link, through the outbox. Returns how many."""
    round_ = Round.objects.select_for_update(of=("self",)).select_related("order__cluster").get(pk=round_.pk)
    if not round_.is_open or round_.closes_at <= timezone.now():
        raise MemberError("Runden er lukket; nye medlemmer kan kun inviteres til en åben runde.")
    waiting = selectors.uninvited_members(round_)
    if not waiting:
        raise MemberError("Alle aktive medlemmer er allerede inviteret til runden.")
    before = Invitation.objects.filter(round=round_).count()
    invited = invite_members(round_)
    OrderEvent.objects.create(
        order=round_.order,
        state=round_.order.state,
        by=by,
        note=f"{invited} medlem(mer) inviteret efter åbningen ({before} før)",
    )
    return invited
