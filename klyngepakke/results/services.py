"""Writes of the results layer: storing each closed round's aggregate and comparison
groups once."""

from __future__ import annotations

import dataclasses

from klyngepakke.core.scoring import score_definitions
from klyngepakke.support.backoff import run_items, waiting_items
from klyngepakke.surveys.models import Round

from . import responses, selectors
from .models import RoundAggregate

AGGREGATES = "store_missing_aggregates"
COMPARISONS = "store_missing_comparisons"


def store_missing_aggregates(limit: int = 200) -> int:
    """Aggregate closed rounds that have none yet (the scheduler runs this), so the first
    results page after a round closes does not pay for it, and record the withheld tables
    of aggregates stored before they were recorded. Returns how many were stored."""
    ids = list(
        responses.closed_rounds()
        .exclude(pk__in=RoundAggregate.objects.filter(withheld__isnull=False).values("round_id"))
        .exclude(pk__in=waiting_items(AGGREGATES))
        .values_list("pk", flat=True)[:limit]
    )
    return run_items(AGGREGATES, ids, _store_aggregate).done


def _store_aggregate(round_id: int) -> bool:
    if RoundAggregate.objects.filter(round_id=round_id, withheld__isnull=False).exists():
        return False  # another worker stored it meanwhile
    round_ = responses.closed_rounds().select_related("package_version").get(pk=round_id)
    # Stored with get_or_create: of two workers at once, one inserts, the other reads it.
    _store_round_aggregate(round_)
    return True


def _store_round_aggregate(round_: Round) -> None:
    definitions = list(score_definitions(round_.questionnaire_document))
    responses.round_aggregates([round_.pk], definitions, withheld=selectors.withheld_tables)


def store_missing_comparisons(limit: int = 20) -> int:
    """Compute and store the comparison groups of closed rounds that have none yet,
    newest first, a few per pass (the scheduler runs this after the aggregates). Every
    closed round gets them in the end, so no results page computes them per view (a read
    never writes: until then, a page computes them in memory). Returns how many rounds
    got them."""
    ids = list(
        responses.closed_rounds()
        .filter(aggregate__isnull=False, aggregate__comparisons__isnull=True)
        .exclude(pk__in=waiting_items(COMPARISONS))
        .order_by("-closed_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    return run_items(COMPARISONS, ids, _store_comparisons).done


def _store_comparisons(round_id: int) -> bool:
    round_ = (
        responses.closed_rounds()
        .select_related("order__cluster__region", "order__package", "package_version")
        .get(pk=round_id)
    )
    store_comparisons(round_)
    return True


def store_comparisons(round_: Round) -> None:
    """Compute and store a closed round's comparison groups with its aggregate."""
    _store_round_aggregate(round_)
    groups, basis = selectors.compute_comparisons(round_)
    RoundAggregate.objects.filter(round=round_).update(
        comparisons=[dataclasses.asdict(group) for group in groups], comparisons_basis=basis
    )
