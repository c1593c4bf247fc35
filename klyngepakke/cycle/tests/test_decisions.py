"""The cluster's decisions: measure points from the package, focus areas, follow-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import selectors, services
from klyngepakke.cycle.models import CycleEvent, Decision, MeasurePoint
from tests import factories

from .conftest import decisions

pytestmark = pytest.mark.django_db


def test_the_eligible_points_come_from_the_package_file(closed_order):
    points = selectors.eligible_measure_points(closed_order)
    assert [(p.code, p.label) for p in points] == [
        ("who5_index", "WHO-5 trivselsindeks"),
        ("job_satisfaction", "I hvilken grad oplever du den arbejdsglæde, du ønsker?"),
    ]


def test_decisions_are_saved_and_set_the_follow_up_date(held_order):
    user = factories.coordinator(held_order.cluster)
    follow_up_on = timezone.localdate() + timedelta(days=200)

    decision = services.save_decisions(held_order, decisions(held_order, follow_up_on=follow_up_on), user)

    held_order.refresh_from_db()
    assert held_order.follow_up_due_on == follow_up_on
    assert decision.focus_areas == ["Fælles frokost hver dag"]
    assert list(decision.measure_points.values_list("code", "hope")) == [
        ("who5_index", "Færre under 50"),
        ("job_satisfaction", ""),
    ]
    event = CycleEvent.objects.get(order=held_order, kind=CycleEvent.Kind.DECISIONS_SAVED)
    assert event.data["follow_up_package"] == "opfoelgning-trivsel-og-arbejdsglaede"


def test_a_correction_replaces_the_points_and_keeps_the_history(held_order):
    services.save_decisions(held_order, decisions(held_order), None)
    services.save_decisions(held_order, decisions(held_order, measure_points=[("job_satisfaction", "Mere")]), None)
    assert list(MeasurePoint.objects.values_list("code", flat=True)) == ["job_satisfaction"]
    assert CycleEvent.objects.filter(order=held_order, kind=CycleEvent.Kind.DECISIONS_SAVED).count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"measure_points": [("q7_culture", "")]}, "ikke et af pakkens målepunkter"),
        ({"measure_points": [("who5_index", ""), ("who5_index", "")]}, "to gange"),
        ({"measure_points": [("who5_index", "x" * 501)]}, "500 tegn"),
        ({"focus_areas": ["x"] * 11}, "fokusområder"),
        ({"follow_up_on": None}, "både opfølgningspakke og opfølgningsdato"),
        ({"follow_up_package": None}, "både opfølgningspakke og opfølgningsdato"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_written(held_order, change, message):
    with pytest.raises(services.CycleError, match=message):
        services.save_decisions(held_order, decisions(held_order, **change), None)
    assert not Decision.objects.exists()
    held_order.refresh_from_db()
    assert held_order.follow_up_due_on is None


@pytest.mark.parametrize("days", [150, 400])
def test_the_follow_up_lies_six_to_twelve_months_after_the_meeting(held_order, days):
    held_on = held_order.meeting.held_on
    with pytest.raises(services.CycleError, match="6-12 måneder"):
        services.save_decisions(held_order, decisions(held_order, follow_up_on=held_on + timedelta(days=days)), None)
    assert not Decision.objects.exists()


def test_only_a_package_that_follows_this_one_up_or_the_same(held_order):
    other = Package.objects.get(code="samarbejde-og-faellesskab")
    with pytest.raises(services.CycleError, match="er ikke en opfølgning"):
        services.save_decisions(held_order, decisions(held_order, follow_up_package=other), None)
    same = Package.objects.get(code="trivsel-og-arbejdsglaede")
    services.save_decisions(held_order, decisions(held_order, follow_up_package=same), None)
    assert [p.code for p in selectors.follow_up_packages(held_order)] == [
        "opfoelgning-trivsel-og-arbejdsglaede",
        "trivsel-og-arbejdsglaede",
    ]


def test_not_before_the_meeting_is_recorded_nor_after_done(closed_order):
    with pytest.raises(services.CycleError, match="når mødet er registreret"):
        services.save_decisions(closed_order, decisions(closed_order), None)
    services.mark_done(closed_order, None)
    with pytest.raises(services.CycleError, match="når mødet er registreret"):
        services.save_decisions(closed_order, decisions(closed_order), None)
    assert not Decision.objects.exists()


def test_the_date_stays_once_the_follow_up_is_due(held_order):
    services.save_decisions(held_order, decisions(held_order), None)
    held_order.refresh_from_db()
    services.mark_follow_ups_due(held_order.follow_up_due_on)
    held_order.refresh_from_db()
    later = held_order.follow_up_due_on + timedelta(days=10)
    with pytest.raises(services.CycleError, match="allerede forfalden"):
        services.save_decisions(held_order, decisions(held_order, follow_up_on=later), None)
    # The rest may still be corrected.
    services.save_decisions(held_order, decisions(held_order, focus_areas=["Supervision"]), None)
    assert Decision.objects.get().focus_areas == ["Supervision"]
