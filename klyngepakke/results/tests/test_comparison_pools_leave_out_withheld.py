"""A round's table that its own publication withholds stays out of other clusters' pools.

A cluster whose every invited member answered, all in one WHO-5 band, sees its WHO-5
index (and the items it is made of) withheld for homogeneity (docs/anonymity.md, rule
6). If that round's WHO-5 sums still went into another cluster's region or country
pool, staff could set the frozen pool of a round closed just before it beside one closed
just after and read its mean. So the pool takes the round's other tables, never the
withheld ones; the stored aggregate records them (`RoundAggregate.withheld`), and the
page's in-memory path (aggregates not stored yet) gives the same comparison.
"""

from __future__ import annotations

import numpy as np
import pytest

from klyngepakke.core.disclosure import HOMOGENEOUS_SENSITIVE, Withheld
from klyngepakke.results.models import RoundAggregate
from klyngepakke.results.selectors import round_results, withheld_tables
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.results.services import store_comparisons, store_missing_aggregates
from tests import factories

from .test_comparison_groups import close_at, people
from .test_results_numbers import WHO5, closed_round

pytestmark = pytest.mark.django_db

REGION = "nordjylland"
LABELS = {"Resten af Region Nordjylland", "Hele landet (andre klynger)"}


@pytest.fixture
def rounds(db):
    factories.shipped_catalogue()
    # Three clusters publish everything: one of six did not answer, one is solo.
    for raw in (1, 2, 4):
        answers = [{**people(raw, 1)[0], "practice_type": "solo"}, *people(raw, 4)]
        close_at(closed_round(answers, cluster=factories.survey_cluster(members=6, region_code=REGION)), 30)
    # Everyone invited answered, all with the top WHO-5 band, and very high job satisfaction.
    alike = [{"practice_type": "partnership", **dict.fromkeys(WHO5, 5), "job_satisfaction": "very_high"}] * 5
    homogeneous = close_at(closed_round(alike, cluster=factories.survey_cluster(members=5, region_code=REGION)), 20)
    own = close_at(closed_round(people(3), cluster=factories.survey_cluster(members=6, region_code=REGION)), 10)
    return homogeneous, own


def comparisons(round_) -> dict[str, dict]:
    return {c["label"]: c for c in results_as_dict(round_results(round_))["comparisons"]}


def test_the_withheld_score_stays_out_of_the_pools_and_the_other_tables_go_in(rounds):
    homogeneous, own = rounds
    group = round_results(homogeneous).publication.group
    assert group.scores["who5_index"] == Withheld(HOMOGENEOUS_SENSITIVE)
    assert not isinstance(group.choices["job_satisfaction"], Withheld)
    assert set(withheld_tables(homogeneous)) == {"who5_index", *WHO5}

    shown = comparisons(own)
    assert set(shown) == LABELS
    for group in shown.values():
        assert "withheld" not in group
        # The round takes part with its job satisfaction (very high: 4, the others 2)...
        assert (group["rounds"], group["respondents"]) == (4, 20)
        assert group["item_means"]["job_satisfaction"] == pytest.approx(np.mean([2] * 15 + [4] * 5))
        # ... but its WHO-5 index and items (100, raw 5) are not in the means.
        assert group["score_means"]["who5_index"] == pytest.approx(np.mean([20, 40, 80]), abs=0.05)
        assert group["item_means"]["who5_1"] == pytest.approx(np.mean([1, 2, 4]), abs=0.05)


def test_stored_and_in_memory_aggregates_give_the_same_comparison(rounds):
    homogeneous, own = rounds
    assert not RoundAggregate.objects.exists()
    in_memory = comparisons(own)
    assert not RoundAggregate.objects.exists()  # a read stores nothing
    for group in in_memory.values():
        assert group["score_means"]["who5_index"] == pytest.approx(np.mean([20, 40, 80]), abs=0.05)

    assert store_missing_aggregates() == 5
    assert RoundAggregate.objects.get(round=homogeneous).withheld == withheld_tables(homogeneous)
    store_comparisons(own)
    assert RoundAggregate.objects.get(round=own).comparisons is not None
    assert comparisons(own) == in_memory


def test_an_aggregate_stored_before_the_withheld_tables_gets_them(rounds):
    homogeneous, own = rounds
    expected = comparisons(own)
    assert store_missing_aggregates() == 5
    # An aggregate stored before the field existed: a page computes the withheld tables
    # in memory (and writes nothing); the scheduler's pass records them.
    RoundAggregate.objects.update(withheld=None)
    assert comparisons(own) == expected
    assert RoundAggregate.objects.filter(withheld__isnull=True).count() == 5
    assert store_missing_aggregates() == 5
    assert store_missing_aggregates() == 0
    assert RoundAggregate.objects.get(round=homogeneous).withheld == sorted({"who5_index", *WHO5})
