"""What the materials show comes from the results layer, the package and the order."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from klyngepakke.materials.context import meeting_materials, scaled_minutes
from klyngepakke.results.selectors import ResultsNotAvailable, round_results
from klyngepakke.results.serialize import results_as_dict
from tests import factories

from .base import meeting_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def country():
    return meeting_country()


def test_numbers_are_the_results_layers_and_texts_the_packages(country):
    materials = meeting_materials(country.follow_up_round.pk)
    assert materials.results == results_as_dict(round_results(country.follow_up_round))
    assert materials.follow_up is not None
    assert materials.follow_up["before_round"]["id"] == country.first_round.pk
    assert materials.package_code == "opfoelgning-trivsel-og-arbejdsglaede"
    assert materials.region_code == "syddanmark"
    # Region and country comparisons have enough other rounds to be shown.
    assert [c.get("withheld") for c in materials.results["comparisons"]] == [None, None]
    # Regional offers: only the cluster's own region's.
    assert materials.regional_offers
    assert all("Syddanmark" in o.provider for o in materials.regional_offers)
    assert materials.national_offers


def test_program_times_follow_the_plan_and_add_up(country):
    materials = meeting_materials(country.follow_up_round.pk)
    assert materials.meeting_minutes == 180
    assert sum(slot.minutes for slot in materials.program) == 180
    assert materials.program[0].starts == time(16, 30)
    assert materials.program[-1].ends == time(19, 30)
    for before, after in zip(materials.program, materials.program[1:], strict=False):
        assert before.ends == after.starts


def test_runbook_dates_come_from_the_order_and_round(country):
    materials = meeting_materials(country.follow_up_round.pk)
    order = country.follow_up_round.order
    during = [e for e in materials.runbook if e.phase == "during"]
    assert during
    assert all(e.due == order.meeting_date for e in during)
    deck_task = next(e for e in materials.runbook if e.task.startswith("Lever en powerpoint"))
    assert deck_task.due == order.meeting_date - timedelta(days=7)


def test_the_same_round_gives_the_same_materials(country):
    assert meeting_materials(country.first_round.pk).digest() == meeting_materials(country.first_round.pk).digest()


def test_an_open_round_has_no_materials(db):
    factories.shipped_catalogue()
    round_ = factories.open_survey_round(factories.survey_cluster(members=6))
    with pytest.raises(ResultsNotAvailable):
        meeting_materials(round_.pk)


@pytest.mark.parametrize(
    ("planned", "expected"),
    [
        (None, [10, 45, 15, 45, 35]),
        (150, [10, 45, 15, 45, 35]),
        (180, [10, 55, 20, 55, 40]),
        (120, [10, 35, 10, 35, 30]),
    ],
)
def test_an_adjusted_meeting_scales_the_blocks(planned, expected):
    blocks = [{"minutes": m} for m in (10, 45, 15, 45, 35)]
    scaled = scaled_minutes(blocks, 150, planned)
    assert scaled == expected
    assert sum(scaled) == (planned or 150)
