"""A round's comparison groups are computed once and kept with its aggregate: they take
only rounds closed before it, so they never change; the scheduler computes them for
recently closed rounds, and a page view only reads them (or computes them in memory)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klyngepakke.results.models import RoundAggregate
from klyngepakke.results.selectors import round_comparisons, round_results
from klyngepakke.results.services import store_comparisons, store_missing_aggregates, store_missing_comparisons
from klyngepakke.surveys.models import Round
from tests import factories

from .test_comparison_groups import close_at, other, people
from .test_results_numbers import closed_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(db):
    factories.shipped_catalogue()
    for raw, region in ((1, "nordjylland"), (2, "hovedstaden"), (4, "midtjylland")):
        other(raw, region)
    return closed_round(people(3))


def test_computed_once_then_read_from_the_aggregate(country):
    first = round_comparisons(country)  # computed in memory: a read stores nothing
    assert not RoundAggregate.objects.filter(round=country, comparisons__isnull=False).exists()
    store_comparisons(country)
    assert round_comparisons(country) == first
    stored = RoundAggregate.objects.get(round=country)
    assert stored.comparisons == [
        {
            "label": g.label,
            "rounds": g.rounds,
            "respondents": g.respondents,
            "item_means": g.item_means,
            "score_means": g.score_means,
            "withheld": g.withheld,
        }
        for g in first
    ]
    with CaptureQueriesContext(connection) as queries:
        again = round_comparisons(country)
    assert again == first
    # Only its own aggregate is read; no pool over other rounds.
    assert len(queries) <= 3, [q["sql"] for q in queries]


def test_the_scheduler_computes_them_for_every_closed_round_newest_first(country):
    old = close_at(other(5, "sjaelland"), 200)
    RoundAggregate.objects.all().delete()
    closed = Round.objects.filter(closed_at__isnull=False).count()
    assert store_missing_aggregates() == closed
    # A page view before the scheduler has reached a round computes in memory, never stores.
    round_comparisons(old)
    assert RoundAggregate.objects.get(round=old).comparisons is None
    # Newest first, a few per pass; in the end every closed round has them stored, so no
    # page (of an old round either) computes them per view.
    assert store_missing_comparisons(limit=1) == 1
    assert RoundAggregate.objects.get(round=old).comparisons is None
    assert store_missing_comparisons() == closed - 1
    assert RoundAggregate.objects.get(round=country).comparisons is not None
    assert RoundAggregate.objects.get(round=old).comparisons is not None
    assert store_missing_comparisons() == 0
    # The page uses what the scheduler stored.
    assert round_results(country).comparisons == round_comparisons(country)
