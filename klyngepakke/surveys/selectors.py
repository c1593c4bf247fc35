"""Reads for rounds and the respondent flow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from klyngepakke.catalogue.models import PackageVersion
from klyngepakke.core.questionnaire import Questionnaire

from .models import Invitation, InvitationToken, Order, PartialAnswers, Round
from .tokens import hash_token, looks_like_token


@dataclass(frozen=True)
class TokenCheck:
    invitation: Invitation | None
    problem: str = ""  # "invalid" | "answered" | "closed"


def check_invitation(invitation: Invitation | None) -> TokenCheck:
    if invitation is None:
        return TokenCheck(None, "invalid")
    if invitation.answered:
        return TokenCheck(invitation, "answered")
    round_ = invitation.round
    if not round_.is_open or round_.closes_at <= timezone.now():
        return TokenCheck(invitation, "closed")
    return TokenCheck(invitation)


def invitation_for_token(token: str) -> TokenCheck:
    if not looks_like_token(token):
        return TokenCheck(None, "invalid")
    found = (
        InvitationToken.objects.select_related(
            "invitation__round__package_version", "invitation__round__order__cluster"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )
    return check_invitation(found.invitation if found else None)


def invitation_by_id(invitation_id: int | None) -> TokenCheck:
    """The invitation behind a respondent's session, on every page of the questionnaire.

    One query, without the package document (tens of KB of JSON): a version used by a
    round never changes, so its document comes from a per-process cache.
    """
    if invitation_id is None:
        return TokenCheck(None, "invalid")
    invitation = (
        Invitation.objects.select_related("round__package_version", "round__order__cluster__region", "partial")
        .defer("round__package_version__document")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is not None:
        version = invitation.round.package_version
        version.document = _document(version.pk, version.content_hash)
    return check_invitation(invitation)


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


def questionnaire_for(round_: Round) -> Questionnaire:
    # Versions used by a round are immutable, so the parsed form can be cached by hash.
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


def partial_answers(invitation: Invitation) -> dict[str, Any]:
    try:
        # Loaded with the invitation by invitation_by_id (no second query).
        return dict(invitation.partial.answers)
    except PartialAnswers.DoesNotExist:
        return {}


def orders_for_cluster(cluster_id: int) -> QuerySet[Order]:
    return Order.objects.filter(cluster_id=cluster_id).select_related("package").prefetch_related("rounds")


def invited_count(round_: Round) -> int:
    return Invitation.objects.filter(round=round_).count()
