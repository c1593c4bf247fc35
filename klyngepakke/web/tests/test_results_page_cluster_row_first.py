"""A score's comparison on the results page starts with the cluster's own row. Without a
cluster mean (nobody got a score) the row stays, saying why, and no chart is drawn: the
chart highlights its first bar as the cluster's, so the region's would read as the
cluster's."""

from __future__ import annotations

import pytest

from klyngepakke.results.selectors import round_results
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.web.results_views import _score_comparison
from tests import factories

from .test_results_pages import answered_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster10(db):
    factories.shipped_catalogue()
    return factories.survey_cluster(members=10, solo=5)


def test_the_cluster_row_comes_first_with_or_without_a_mean(cluster10):
    results = round_results(answered_round(cluster10, 10))
    view = {**results_as_dict(results), "cluster_name": results.round.order.cluster.name}
    score = next(s for s in view["group"]["scores"] if s["code"] == "who5_index")
    shown = _score_comparison(results, view, score)
    assert shown["rows"][0]["label"] == view["cluster_name"]
    assert shown["rows"][0]["value"] == score["estimate"]["mean"]
    assert shown["chart"]["bars"][0]["label"] == view["cluster_name"]

    # The same score as the results layer writes it when nobody got a score.
    withheld = {"withheld": "too_few_answers", "text": "Vises ikke: for få har svaret på dette spørgsmål."}
    unscored = {**score, "estimate": withheld}
    shown = _score_comparison(results, view, unscored)
    assert shown["rows"][0] == {"label": view["cluster_name"], "value": None, "note": withheld["text"]}
    assert shown["chart"] is None
