"""The day before the meeting, the coordinators are reminded once per meeting date: not
two days before, not on the day, again if the meeting moves; a reminder queued for a
date that no longer holds is not sent."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.notifications.services import notify_meetings_tomorrow
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import process_outbox
from klyngepakke.tasks.duties import DUTIES

from .conftest import danish, delivered, flat, queued, subject

pytestmark = pytest.mark.django_db

MEETING = date(2031, 10, 22)


def plan(order: Order, day: date | None) -> None:
    cycle_services.plan_meeting(
        order,
        meeting_date=day,
        place="Lægehuset, Torvet 1",
        minutes=150,
        program_notes="",
        by=None,
        starts_at=time(15, 30),
    )


@pytest.fixture
def order(cluster, coordinator) -> Order:
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), None)
    plan(order, MEETING)
    return order


def test_it_is_a_duty():
    assert "notify_meetings_tomorrow" in {d.name for d in DUTIES}


def test_the_day_before_once(order, coordinator, consultant):
    assert notify_meetings_tomorrow(MEETING - timedelta(days=2)) == 0
    assert notify_meetings_tomorrow(MEETING - timedelta(days=1)) == 1
    assert notify_meetings_tomorrow(MEETING - timedelta(days=1)) == 0
    assert notify_meetings_tomorrow(MEETING) == 0
    assert queued("meeting_tomorrow") == [coordinator.email]


def test_a_moved_meeting_is_reminded_of_again_and_the_old_reminder_is_dropped(order, coordinator):
    assert notify_meetings_tomorrow(MEETING - timedelta(days=1)) == 1
    plan(order, MEETING + timedelta(days=7))
    process_outbox()
    stale = OutboxMessage.objects.get(kind="meeting_tomorrow")
    assert (stale.status, stale.sent_at) == (OutboxMessage.Status.FAILED, None)
    assert notify_meetings_tomorrow(MEETING + timedelta(days=6)) == 1
    assert queued("meeting_tomorrow") == [coordinator.email] * 2


def test_not_for_a_meeting_already_held(order):
    Order.objects.filter(pk=order.pk).update(state=Order.State.MEETING_HELD)
    assert notify_meetings_tomorrow(MEETING - timedelta(days=1)) == 0


def test_the_e_mail(order, cluster, coordinator, smtp_server, site):
    OutboxMessage.objects.all().delete()
    notify_meetings_tomorrow(MEETING - timedelta(days=1))
    (mail,) = delivered(smtp_server, "Klyngemøde i morgen")
    assert subject(mail) == "Klyngemøde i morgen: Trivsel og arbejdsglæde"
    assert danish(MEETING) == "22. okt. 2031"
    when = f"{danish(MEETING, weekday=True)} kl. 15.30"
    text = flat(smtp_server.mailbox.text_of(mail))
    assert f"er i morgen, {when}, Lægehuset, Torvet 1." in text
    link = f"{site}/klynger/{cluster.code}/bestillinger/{order.pk}/"
    assert f"Mødeplanen: {link}" in text
    assert "Mødematerialet" not in text  # no closed round yet
    html = smtp_server.mailbox.html_of(mail)
    assert f"<strong>{when}</strong>" in html
    assert f'<a href="{link}">Se mødeplanen</a>' in html
