"""A survey opens: the cluster's coordinators are told when it closes, once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.notifications.services import notify_survey_opened
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import process_outbox
from klyngepakke.surveys import services
from tests import factories

from .conftest import danish, delivered, flat, queued, subject

pytestmark = pytest.mark.django_db


def closing_in(days: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def test_the_coordinators_are_told_once_when_the_survey_opens(cluster, coordinator, consultant):
    factories.coordinator(factories.cluster())  # another cluster's coordinator
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), None)
    cycle_services.plan_meeting(order, meeting_date=None, place="", minutes=None, program_notes="", by=None)
    assert queued("survey_opened") == []  # ordered and planned: not yet
    round_ = services.open_round(order, closing_in(10), None)
    assert queued("survey_opened") == [coordinator.email]
    assert notify_survey_opened(round_) is False
    assert queued("survey_opened") == [coordinator.email]


def test_the_e_mail(cluster, coordinator, smtp_server, site):
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), None)
    closes_at = closing_in(10)
    round_ = services.open_round(order, closes_at, None, reminder_days=[3, 1])
    mails = delivered(smtp_server, "Spørgeskemaet er åbent", count=9)  # and the 8 invitations
    (mail,) = [m for m in mails if m["To"] == coordinator.email]
    assert subject(mail) == "Spørgeskemaet er åbent: Trivsel og arbejdsglæde"
    closes = f"{danish(closes_at.date(), weekday=True)} kl. 12.00"
    text = flat(smtp_server.mailbox.text_of(mail))
    assert "8 medlemmer har fået en invitation" in text
    assert f"Det lukker {closes}." in text
    assert "påmindelse 3 og 1 dage før" in text
    link = f"{site}/klynger/{cluster.code}/runder/{round_.pk}/"
    assert link in text
    html = smtp_server.mailbox.html_of(mail)
    assert f"<strong>{closes}</strong>" in html
    assert f'<a href="{link}"' in html


def test_a_round_closed_before_the_send_is_not_announced(cluster, coordinator):
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), None)
    round_ = services.open_round(order, closing_in(10), None)
    services.close_round(round_, None)
    process_outbox()
    message = OutboxMessage.objects.get(kind="survey_opened")
    assert (message.status, message.sent_at) == (OutboxMessage.Status.FAILED, None)
    assert message.last_error == "not sent: no longer relevant"
