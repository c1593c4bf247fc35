"""Reads for rounds and the respondent flow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from klyngepakke.catalogue.models import PackageVersion
from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.cycle.models import Order
from klyngepakke.registry.models import Member
from klyngepakke.support.tokens import hash_token, looks_like_token
from klyngepakke.surveys.models import Invitation, InvitationToken, ResponseCountSnapshot, Round

from . import drafts


def _problem(answered: bool, closes_at: datetime, closed_at: datetime | None) -> str:
    if answered:
        return "answered"
    if closed_at is not None or closes_at <= timezone.now():
        return "closed"
    return ""


def invitation_for_token(token: str) -> tuple[int | None, str]:
    """The invitation behind an e-mailed link, and a problem ("invalid" | "answered" | "closed") or ""."""
    if not looks_like_token(token):
        return None, "invalid"
    # At most one row (unique hash; below, a primary key): no .first(), whose ORDER BY
    # and LIMIT cost more CPU than the query itself.
    rows = list(
        InvitationToken.objects.filter(token_hash=hash_token(token)).values_list(
            "invitation_id", "invitation__answered", "invitation__round__closes_at", "invitation__round__closed_at"
        )
    )
    if not rows:
        return None, "invalid"
    invitation_id, answered, closes_at, closed_at = rows[0]
    return invitation_id, _problem(answered, closes_at, closed_at)


@dataclass(frozen=True)
class RespondentState:
    """What every page of the questionnaire needs, read in one narrow query.

    No model instances: the invitation's answered flag, the round's dates and the
    package version's key, and the partial answers kept for resume (opened with the
    key from the respondent's link; `has_draft` says whether a draft row exists, even
    one sealed under another link's key, which reads as no answers). The package
    document and the parsed questionnaire come from per-process caches, since a version
    used by a round never changes (catalogue.services.lock_version).
    """

    invitation_id: int
    round_id: int
    version_id: int
    content_hash: str
    closes_at: datetime
    answers: dict[str, Any]
    has_draft: bool = False
    # True when the round asks its own frozen document (a follow-up round; then
    # `content_hash` is that document's hash), not its package version's.
    own_document: bool = False

    @property
    def document(self) -> dict[str, Any]:
        if self.own_document:
            return _round_document(self.round_id, self.content_hash)
        return _document(self.version_id, self.content_hash)

    @property
    def questionnaire(self) -> Questionnaire:
        return _cached_questionnaire(self.version_id, self.content_hash, self.document)


class _PreparedRead:
    """A one-row read whose SQL the ORM builds once per process; each call only runs it.

    For the questionnaire's read on every page: building a query (cloning, resolving
    the joins, compiling) costs Django several times the CPU of running this primary-key
    lookup. The values come back as the database driver returns them (see _aware).
    """

    def __init__(self, queryset: Callable[[Any], QuerySet[Any]], sentinel: Any) -> None:
        self._queryset = queryset
        self._sentinel = sentinel
        self._sql: dict[tuple[str, str], str] = {}

    def row(self, value: Any) -> tuple[Any, ...] | None:
        connection = connections[DEFAULT_DB_ALIAS]
        key = (connection.alias, connection.vendor)
        sql = self._sql.get(key)
        if sql is None:
            sql, params = self._queryset(self._sentinel).query.sql_with_params()
            if tuple(params) != (self._sentinel,):
                raise ValueError(f"expected the one parameter {self._sentinel!r}, got {params!r}")
            self._sql[key] = sql
        with connection.cursor() as cursor:
            cursor.execute(sql, [value])
            return cursor.fetchone()


def _aware(value: Any) -> Any:
    # SQLite returns text in UTC, PostgreSQL an aware datetime.
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


_STATE = _PreparedRead(
    lambda invitation_id: Invitation.objects.filter(pk=invitation_id).values_list(
        "answered",
        "round_id",
        "round__closes_at",
        "round__closed_at",
        "round__package_version_id",
        "round__package_version__content_hash",
        "partial__sealed",
        "round__document_hash",
    ),
    sentinel=-1,
)


def respondent_state(invitation_id: int | None, key: bytes) -> tuple[RespondentState | None, str]:
    """The state behind a respondent's session and a problem ("invalid" | "answered" | "closed") or "".

    `key` is the draft key from the respondent's link (surveys.drafts)."""
    if invitation_id is None:
        return None, "invalid"
    row = _STATE.row(invitation_id)
    if row is None:
        return None, "invalid"
    answered, round_id, closes_at, closed_at, version_id, content_hash, sealed, round_hash = row
    closes_at = _aware(closes_at)
    problem = _problem(bool(answered), closes_at, _aware(closed_at))
    if problem:
        return None, problem
    answers = drafts.open_sealed(key, invitation_id, bytes(sealed)) if sealed is not None else None
    state = RespondentState(
        invitation_id,
        round_id,
        version_id,
        round_hash or content_hash,
        closes_at,
        answers or {},
        has_draft=sealed is not None,
        own_document=bool(round_hash),
    )
    return state, ""


def round_cluster_name(round_id: int) -> str:
    return Round.objects.filter(pk=round_id).values_list("order__cluster__name", flat=True).get()


def round_region_code(round_id: int) -> str:
    return Round.objects.filter(pk=round_id).values_list("order__cluster__region__code", flat=True).get()


_DOCUMENTS: dict[tuple[int, str], dict[str, Any]] = {}


def _document(version_id: int, content_hash: str) -> dict[str, Any]:
    key = (version_id, content_hash)
    document = _DOCUMENTS.get(key)
    if document is None:
        document = PackageVersion.objects.values_list("document", flat=True).get(pk=version_id)
        if len(_DOCUMENTS) > 64:
            _DOCUMENTS.clear()
        _DOCUMENTS[key] = document
    return document


def _round_document(round_id: int, document_hash: str) -> dict[str, Any]:
    # A round's own document is frozen when it opens; its hash keys the cache.
    key = (-round_id, document_hash)
    document = _DOCUMENTS.get(key)
    if document is None:
        document = Round.objects.values_list("document", flat=True).get(pk=round_id)
        if len(_DOCUMENTS) > 64:
            _DOCUMENTS.clear()
        _DOCUMENTS[key] = document
    return document


def questionnaire_for(round_: Round) -> Questionnaire:
    # Versions used by a round are immutable, and so is a round's own document, so the
    # parsed form can be cached by hash.
    if round_.document is not None:
        return _cached_questionnaire(-round_.pk, round_.document_hash, round_.document)
    version = round_.package_version
    return _cached_questionnaire(version.pk, version.content_hash, version.document)


_PARSED: dict[tuple[int, str], Questionnaire] = {}


def _cached_questionnaire(version_id: int, content_hash: str, document: dict[str, Any]) -> Questionnaire:
    key = (version_id, content_hash)
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = Questionnaire(document)
        if len(_PARSED) > 64:
            _PARSED.clear()
        _PARSED[key] = parsed
    return parsed


def orders_for_cluster(cluster_id: int) -> QuerySet[Order]:
    return Order.objects.filter(cluster_id=cluster_id).select_related("package").prefetch_related("rounds")


def invited_count(round_: Round) -> int:
    return Invitation.objects.filter(round=round_).count()


def shown_response_count(round_: Round) -> int:
    """The response count a coordinator may see now.

    While a round is open: the latest daily snapshot (services.take_response_count_snapshots),
    so the figure moves at most once a day; once closed, the final count. A round closed by
    hand keeps showing the snapshot while it may be reopened: closing and reopening would
    otherwise read the live count as often as one liked.
    """
    reopenable = round_.reopen_until is not None and round_.reopen_until > timezone.now()
    if not round_.is_open and not reopenable:
        return Invitation.objects.filter(round=round_, answered=True).count()
    latest = ResponseCountSnapshot.objects.filter(round=round_).order_by("-day").values_list("count", flat=True)
    return latest.first() or 0


def uninvited_members(round_: Any) -> list[Member]:
    """The cluster's active members that an open round has not invited (what invite_late
    would invite)."""
    if not round_.is_open:
        return []
    return list(
        Member.objects.filter(practice__cluster_id=round_.order.cluster_id, active=True)
        .exclude(invitations__round=round_)
        .select_related("practice")
        .order_by("name")
    )


def open_rounds(cluster_id: int) -> list[Any]:
    return list(
        Round.objects.filter(order__cluster_id=cluster_id, closed_at__isnull=True)
        .select_related("order__package", "package_version")
        .order_by("opened_at")
    )
