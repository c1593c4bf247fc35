"""Writes of the results layer: storing each closed round's aggregate once."""

from __future__ import annotations

from klyngepakke.core.scoring import score_definitions

from . import responses
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
