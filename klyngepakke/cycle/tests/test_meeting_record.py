"""The meeting record: allowed and refused in the service; corrections keep who/when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.cycle import services
from klyngepakke.cycle.models import CycleEvent, MeetingRecord, Order
from tests import factories

pytestmark = pytest.mark.django_db


def facts(**changes):
    values = {
        "held_on": timezone.localdate() - timedelta(days=7),
        "minutes": 180,
        "format": MeetingRecord.Format.PHYSICAL,
        "attendees": 5,
        "notes": "Mødet varede en halv time længere end planlagt.",
    }
    values.update(changes)
    return services.MeetingFacts(**values)


def test_a_held_meeting_is_recorded_and_moves_the_order(closed_order):
    user = factories.coordinator(closed_order.cluster)

    record = services.record_meeting(closed_order, facts(), user)

    closed_order.refresh_from_db()
    assert closed_order.state == Order.State.MEETING_HELD
    assert (record.minutes, record.attendees, record.format) == (180, 5, "physical")
    event = CycleEvent.objects.get(order=closed_order)
    assert (event.kind, event.by, event.data["attendees"]) == (CycleEvent.Kind.MEETING_RECORDED, user, 5)


def test_not_before_the_planned_meeting_date(closed_order):
    services.plan_meeting(
        closed_order,
        meeting_date=timezone.localdate() + timedelta(days=6),
        place="",
        minutes=150,
        program_notes="",
        by=None,
    )

    with pytest.raises(services.CycleError, match="kan først registreres som holdt fra den dag"):
        services.record_meeting(closed_order, facts(held_on=timezone.localdate()), None)

    closed_order.refresh_from_db()
    assert closed_order.state == Order.State.SURVEY_CLOSED
    assert not MeetingRecord.objects.exists()


def test_on_the_meeting_day_it_may_be_recorded(closed_order):
    services.plan_meeting(
        closed_order, meeting_date=timezone.localdate(), place="", minutes=150, program_notes="", by=None
    )
    services.record_meeting(closed_order, facts(held_on=timezone.localdate()), None)
    assert MeetingRecord.objects.filter(order=closed_order).exists()


def test_a_date_in_the_future_is_refused(closed_order):
    with pytest.raises(services.CycleError, match="fremtiden"):
        services.record_meeting(closed_order, facts(held_on=timezone.localdate() + timedelta(days=1)), None)
    assert not MeetingRecord.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"minutes": 0}, "længde"),
        ({"attendees": 0}, "deltagere"),
        ({"format": "hybrid"}, "fysisk eller virtuelt"),
        ({"notes": "x" * 5001}, "5000 tegn"),
    ],
)
def test_bad_facts_are_refused_and_nothing_is_written(closed_order, change, message):
    with pytest.raises(services.CycleError, match=message):
        services.record_meeting(closed_order, facts(**change), None)
    closed_order.refresh_from_db()
    assert closed_order.state == Order.State.SURVEY_CLOSED
    assert not MeetingRecord.objects.exists()
    assert not CycleEvent.objects.exists()


def test_not_while_the_survey_is_open(catalogue):
    round_ = factories.open_survey_round(factories.survey_cluster())
    with pytest.raises(services.CycleError, match="spørgeskemaet er lukket"):
        services.record_meeting(round_.order, facts(), None)


def test_not_twice(closed_order):
    services.record_meeting(closed_order, facts(), None)
    with pytest.raises(services.CycleError, match="allerede registreret"):
        services.record_meeting(closed_order, facts(), None)
    assert MeetingRecord.objects.count() == 1


def test_a_correction_keeps_who_and_when(closed_order):
    first, second = factories.coordinator(closed_order.cluster), factories.user()
    services.record_meeting(closed_order, facts(), first)

    services.correct_meeting(closed_order, facts(attendees=6, format=MeetingRecord.Format.VIRTUAL), second)

    record = MeetingRecord.objects.get(order=closed_order)
    assert (record.attendees, record.format) == (6, "virtual")
    history = list(CycleEvent.objects.filter(order=closed_order).values_list("kind", "by", "data__attendees"))
    assert history == [
        (CycleEvent.Kind.MEETING_RECORDED, first.pk, 5),
        (CycleEvent.Kind.MEETING_CORRECTED, second.pk, 6),
    ]


def test_no_correction_before_a_record_nor_after_done(closed_order):
    with pytest.raises(services.CycleError, match="ikke registreret"):
        services.correct_meeting(closed_order, facts(), None)
    services.record_meeting(closed_order, facts(), None)
    services.mark_done(closed_order, None)
    with pytest.raises(services.CycleError, match="kan ikke rettes"):
        services.correct_meeting(closed_order, facts(attendees=9), None)
    assert MeetingRecord.objects.get(order=closed_order).attendees == 5
