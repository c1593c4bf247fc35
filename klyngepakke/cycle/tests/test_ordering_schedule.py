"""The survey's dates come from the meeting date and the package's schedule; the
scheduled round opens by itself on its day, not before, and once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from klyngepakke.cycle import ordering
from klyngepakke.cycle.models import Order
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.surveys import scheduled
from klyngepakke.surveys.models import Invitation, Round
from klyngepakke.tasks.duties import duty

from .ordering_support import place, today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(catalogue):
    pass


def test_the_package_schedule_counts_back_from_the_meeting():
    order = place(days_ahead=40, starts_at=time(15, 30), place="Lægehuset")
    meeting = today() + timedelta(days=40)
    assert order.state == Order.State.PLANNED
    assert (order.meeting_date, order.meeting_starts_at, order.meeting_place) == (meeting, time(15, 30), "Lægehuset")
    assert order.survey_opens_on == meeting - timedelta(weeks=4)
    assert order.survey_closes_on == meeting - timedelta(days=5)
    assert order.reminder_days == [7, 2]
    assert "Spørgeskemaet åbner" in order.events.last().note


def test_an_opening_day_already_past_moves_to_today():
    order = place(days_ahead=20)
    assert order.survey_opens_on == today()
    assert order.survey_closes_on == today() + timedelta(days=15)


def test_the_coordinator_may_move_the_dates_within_the_limits():
    order = place(days_ahead=40)
    meeting = order.meeting_date
    moved = ordering.reschedule_survey(order, meeting - timedelta(days=30), meeting - timedelta(days=3), None)
    assert (moved.survey_opens_on, moved.survey_closes_on) == (
        meeting - timedelta(days=30),
        meeting - timedelta(days=3),
    )
    with pytest.raises(ordering.OrderingError, match="senest 2 dage"):
        ordering.reschedule_survey(order, meeting - timedelta(days=30), meeting, None)


def test_a_short_survey_drops_reminders_that_would_fall_before_it_opens():
    meeting = today() + timedelta(days=40)
    order = place(days_ahead=40, opens_on=meeting - timedelta(days=16), closes_on=meeting - timedelta(days=5))
    assert order.reminder_days == [7, 2]
    data = ordering.OrderInput(meeting_date=meeting, opens_on=meeting - timedelta(days=11))
    dates = ordering.survey_dates(order.package, data, today())
    assert dates is not None
    assert dates.reminder_days == (2,)  # 7 days before the close is before the opening


def test_the_duty_opens_the_round_on_its_day_and_not_before():
    order = place(days_ahead=40)
    opens_on = order.survey_opens_on
    assert scheduled.open_due_rounds(opens_on - timedelta(days=1)) == 0
    assert not Round.objects.filter(order=order).exists()
    assert scheduled.open_due_rounds(opens_on) == 1
    order.refresh_from_db()
    round_ = order.rounds.get()
    assert order.state == Order.State.SURVEY_OPEN
    assert timezone.localtime(round_.closes_at) == timezone.make_aware(
        datetime.combine(order.survey_closes_on, time(23, 59))
    )
    assert round_.reminder_days == [7, 2]
    invited = Invitation.objects.filter(round=round_).count()
    assert invited == 4
    assert OutboxMessage.objects.filter(kind="survey_invitation").count() == invited
    # Idempotent: a second pass opens nothing and invites nobody again.
    assert scheduled.open_due_rounds(opens_on) == 0
    assert OutboxMessage.objects.filter(kind="survey_invitation").count() == invited


def test_the_duty_is_in_the_scheduler_list_and_opens_todays_rounds():
    order = place(days_ahead=20)  # opens today
    assert duty("open_due_rounds").run() == 1
    order.refresh_from_db()
    assert order.state == Order.State.SURVEY_OPEN


def test_a_cancelled_order_is_never_opened():
    order = place(days_ahead=20)
    ordering.cancel_order(order, "Mødet er aflyst", None)
    assert scheduled.open_due_rounds() == 0
    assert not Round.objects.filter(order=order).exists()


def test_an_order_whose_last_day_has_passed_stays_planned():
    order = place(days_ahead=40)
    assert scheduled.open_due_rounds(order.survey_closes_on + timedelta(days=1)) == 0


def test_moving_the_meeting_before_the_scheduled_close_is_refused():
    from klyngepakke.cycle import services as order_services

    order = place(days_ahead=40)
    with pytest.raises(order_services.OrderError, match="Flyt spørgeskemaets datoer først"):
        order_services.plan_meeting(
            order,
            meeting_date=order.survey_closes_on + timedelta(days=1),
            place="",
            minutes=None,
            program_notes="",
            by=None,
        )
    order.refresh_from_db()
    assert order.meeting_date == today() + timedelta(days=40)
    # A later meeting keeps the survey dates and is allowed.
    order_services.plan_meeting(
        order, meeting_date=order.meeting_date + timedelta(days=7), place="", minutes=None, program_notes="", by=None
    )
