"""Writes of the results layer: storing each closed round's aggregate and comparison
groups once."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from django.utils import timezone

from klyngepakke.core.scoring import score_definitions
from klyngepakke.surveys.models import Round

from . import responses, selectors
from .models import RoundAggregate


def store_missing_aggregates(limit: int = 200) -> int:
    """Aggregate closed rounds that have none yet (the scheduler runs this), so the first
    results page after a round closes does not pay for it. Returns how many were stored."""
    rounds = list(
        responses.closed_rounds()
        .exclude(pk__in=RoundAggregate.objects.values("round_id"))
        .select_related("package_version")[:limit]
    )
    for round_ in rounds:
        responses.round_aggregates([round_.pk], list(score_definitions(round_.package_version.document)))
    return len(rounds)


# Older rounds' pages compute their comparison groups on each view (from the stored
# aggregates, without storing: a read never writes).
RECENT_DAYS = 30


def store_missing_comparisons(limit: int = 20) -> int:
    """Compute the comparison groups of recently closed rounds that have none yet (the
    scheduler runs this after the aggregates), so the first results page after a close
    is as fast as any later one. Returns how many rounds got them."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    rounds = list(
        responses.closed_rounds()
        .filter(closed_at__gte=since, aggregate__isnull=False, aggregate__comparisons__isnull=True)
        .select_related("order__cluster__region", "order__package", "package_version")
        .order_by("closed_at")[:limit]
    )
    for round_ in rounds:
        store_comparisons(round_)
    return len(rounds)


def store_comparisons(round_: Round) -> None:
    """Compute and store a closed round's comparison groups with its aggregate."""
    responses.round_aggregates([round_.pk], list(score_definitions(round_.package_version.document)))
    groups, basis = selectors.compute_comparisons(round_)
    RoundAggregate.objects.filter(round=round_).update(
        comparisons=[dataclasses.asdict(group) for group in groups], comparisons_basis=basis
    )
