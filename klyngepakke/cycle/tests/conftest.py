"""Fixtures for the cycle after the survey: an order whose survey has closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.cycle import services
from klyngepakke.surveys import services as order_services
from tests import factories


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


@pytest.fixture
def closed_order(catalogue):
    """A well-being order with a closed round, its meeting planned for a week ago."""
    c = factories.survey_cluster(members=6, solo=2)
    round_ = factories.open_survey_round(c)
    order_services.close_round(round_, None)
    order = round_.order
    order.refresh_from_db()
    services.plan_meeting(
        order,
        meeting_date=timezone.localdate() - timedelta(days=7),
        place="Lægehuset",
        minutes=150,
        program_notes="",
        by=None,
    )
    order.refresh_from_db()
    return order


@pytest.fixture
def held_order(closed_order):
    """`closed_order` with its meeting recorded as held a week ago."""
    from django.utils import timezone

    from klyngepakke.cycle import services
    from klyngepakke.cycle.models import MeetingRecord

    services.record_meeting(
        closed_order,
        services.MeetingFacts(
            held_on=timezone.localdate() - timedelta(days=7),
            minutes=150,
            format=MeetingRecord.Format.VIRTUAL,
            attendees=5,
            notes="",
        ),
        None,
    )
    closed_order.refresh_from_db()
    return closed_order


def decisions(order, **changes):
    from django.utils import timezone

    from klyngepakke.catalogue.models import Package
    from klyngepakke.cycle import services

    values = {
        "measure_points": [("who5_index", "Færre under 50"), ("job_satisfaction", "")],
        "focus_areas": ["Fælles frokost hver dag"],
        "follow_up_package": Package.objects.get(code="opfoelgning-trivsel-og-arbejdsglaede"),
        "follow_up_on": timezone.localdate() + timedelta(days=200),
        "topic_meetings": "Temamøde om uddelegering i foråret",
    }
    values.update(changes)
    return services.DecisionInput(**values)
