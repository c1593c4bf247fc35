"""Region and country comparisons: every package with the same item and score codes,
within the comparison period up to the round's close, without the cluster's own rounds."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.results.selectors import comparison_months, round_results
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.surveys.models import Round
from tests import factories

from .test_results_numbers import WHO5, closed_round

pytestmark = pytest.mark.django_db

FIRST = "trivsel-og-arbejdsglaede"
FOLLOW_UP = "opfoelgning-trivsel-og-arbejdsglaede"
SAMARBEJDE = "samarbejde-og-faellesskab"
COUNTRY = "Hele landet (andre klynger)"


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


def choice_codes(package: str) -> set[str]:
    document = Package.objects.get(code=package).current_version.document
    return {
        item["code"] if "code" in item else question["code"]
        for section in document["questionnaire"]["sections"]
        for question in section["questions"]
        if question["type"] in {"single", "matrix"}
        for item in (question.get("items") or [question])
    }


def people(raw: int, n: int = 5) -> list[dict]:
    return [{"practice_type": "partnership", **dict.fromkeys(WHO5, raw), "job_satisfaction": "some"}] * n


def close_at(round_: Round, days_ago: int) -> Round:
    Round.objects.filter(pk=round_.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    round_.refresh_from_db()
    return round_


def country(round_: Round) -> dict:
    return next(c for c in results_as_dict(round_results(round_))["comparisons"] if c["label"] == COUNTRY)


def other(raw: int, region: str, package: str = FIRST, days_ago: int = 30) -> Round:
    """Another cluster's round of five alike answers that it publishes whole: one of six
    invited did not answer and one is solo, so its respondents are no nameable set and
    the homogeneity rule withholds nothing (a withheld table would stay out of pools)."""
    cluster = factories.survey_cluster(members=6, region_code=region)
    answers = [{**people(raw, 1)[0], "practice_type": "solo"}, *people(raw, 4)]
    return close_at(closed_round(answers, package=package, cluster=cluster), days_ago)


def test_rounds_of_other_packages_with_the_same_codes_are_compared(catalogue):
    # Three first-package rounds elsewhere; the follow-up package asks WHO-5 too.
    for raw, region in ((1, "nordjylland"), (2, "hovedstaden"), (4, "midtjylland")):
        other(raw, region)
    follow_up = closed_round(people(3), package=FOLLOW_UP)
    shown = country(follow_up)
    assert "withheld" not in shown
    assert (shown["rounds"], shown["respondents"]) == (3, 15)
    assert shown["score_means"]["who5_index"] == pytest.approx(
        np.mean([20, 40, 80]), abs=0.05
    )  # rounded once, to one decimal
    assert shown["item_means"]["who5_1"] == pytest.approx(np.mean([1, 2, 4]), abs=0.05)


def test_a_code_needs_three_other_rounds_that_asked_it(catalogue):
    # "Samarbejde og fællesskab" shares only the practice type with the first package.
    assert choice_codes(SAMARBEJDE) & choice_codes(FIRST) == {"practice_type"}
    other(1, "nordjylland")
    other(2, "hovedstaden")
    other(4, "midtjylland", package=SAMARBEJDE)
    own = closed_round(people(3))
    # Three rounds share a code, but WHO-5 was asked in only two: nothing to compare.
    assert country(own)["withheld"] == "too_few_rounds"

    other(4, "sjaelland")
    close_at(own, 0)
    shown = country(own)
    assert (shown["rounds"], shown["respondents"]) == (4, 20)
    assert shown["score_means"]["who5_index"] == pytest.approx(
        np.mean([20, 40, 80]), abs=0.05
    )  # rounded once, to one decimal
    assert set(shown["item_means"]) == {"who5_1", "who5_2", "who5_3", "who5_4", "who5_5", "job_satisfaction"}


def test_rounds_outside_the_period_are_left_out_and_the_operator_can_change_it(catalogue):
    other(1, "nordjylland", days_ago=30)
    other(2, "hovedstaden", days_ago=60)
    other(4, "midtjylland", days_ago=800)  # 26 months before: outside the default 24
    own = closed_round(people(3))
    assert comparison_months(own) == 24
    assert country(own)["withheld"] == "too_few_rounds"
    assert country(own)["rounds"] == 2

    Package.objects.filter(code=FIRST).update(comparison_months=36)
    own.order.package.refresh_from_db()
    assert comparison_months(own) == 36
    shown = country(own)
    assert (shown["rounds"], shown["respondents"]) == (3, 15)


def test_the_comparison_is_frozen_at_the_rounds_close(catalogue):
    for raw, region in ((1, "nordjylland"), (2, "hovedstaden"), (4, "midtjylland")):
        other(raw, region)
    own = close_at(closed_round(people(3)), 1)
    before = country(own)
    other(5, "sjaelland", days_ago=0)  # closes after our round
    assert country(own) == before


def test_the_clusters_own_earlier_rounds_are_not_its_comparison(catalogue):
    for raw, region in ((1, "nordjylland"), (2, "hovedstaden"), (4, "midtjylland")):
        other(raw, region)
    cluster = factories.survey_cluster(members=5, region_code="syddanmark")
    close_at(closed_round(people(5), cluster=cluster), 200)
    follow_up = closed_round(people(3), package=FOLLOW_UP, cluster=cluster)
    shown = country(follow_up)
    assert (shown["rounds"], shown["respondents"]) == (3, 15)
    assert shown["score_means"]["who5_index"] == pytest.approx(
        np.mean([20, 40, 80]), abs=0.05
    )  # rounded once, to one decimal
