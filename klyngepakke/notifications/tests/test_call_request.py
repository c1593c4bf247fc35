""" "Ring mig op": `notify_call_request` tells the consultants, once per request (or per
order and day without a stored request), and refuses a request without a phone number."""

from __future__ import annotations

from datetime import date

import pytest

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.notifications.services import NotificationError, notify_call_request
from klyngepakke.outbox.models import OutboxMessage

from .conftest import delivered, queued, subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(cluster, coordinator):
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), coordinator)
    OutboxMessage.objects.all().delete()
    return order


def test_the_consultants_hear_it_once_per_day_or_request(order, coordinator, consultant, settings):
    settings.NOTIFY_STAFF_EMAILS = []
    day = date(2026, 10, 22)
    assert notify_call_request(order, requested_by=coordinator, phone="12 34 56 78", today=day)
    assert queued("call_requested") == [consultant.email]
    # A second click the same day: nothing new.
    assert not notify_call_request(order, requested_by=coordinator, phone="12 34 56 78", today=day)
    # The next day, or another stored request, is heard again.
    assert notify_call_request(order, requested_by=coordinator, phone="12 34 56 78", today=date(2026, 10, 23))
    assert notify_call_request(order, requested_by=coordinator, phone="12 34 56 78", request_id=7, today=day)
    assert not notify_call_request(order, requested_by=coordinator, phone="12 34 56 78", request_id=7, today=day)
    assert queued("call_requested") == [consultant.email] * 3


@pytest.mark.parametrize(
    ("phone", "message", "error"),
    [
        ("  ", "", "Skriv det telefonnummer"),
        ("1" * 41, "", "højst have 40 tegn"),
        ("12345678", "x" * 1001, "højst have 1000 tegn"),
    ],
)
def test_a_request_without_a_usable_phone_or_with_an_overlong_message_is_refused(
    order, coordinator, consultant, phone, message, error
):
    with pytest.raises(NotificationError, match=error):
        notify_call_request(order, requested_by=coordinator, phone=phone, message=message)
    assert queued("call_requested") == []


def test_the_e_mail(order, cluster, coordinator, smtp_server, site, settings):
    settings.NOTIFY_STAFF_EMAILS = ["konsulenter@example.org"]
    notify_call_request(order, requested_by=coordinator, phone="+45 12 34 56 78", message="Helst efter kl. 15.\nTak <3")
    (mail,) = delivered(smtp_server, "Ring mig op")
    assert subject(mail) == f"Ring mig op: {cluster.name} (Trivsel og arbejdsglæde)"
    text = smtp_server.mailbox.text_of(mail)
    assert f"Fra: {coordinator.username} ({coordinator.email})" in text
    assert "Telefon: +45 12 34 56 78" in text
    assert "Besked: Helst efter kl. 15.\nTak <3" in text.replace("\r\n", "\n")
    assert f"{site}/klynger/{cluster.code}/bestillinger/{order.pk}/" in text
    html = smtp_server.mailbox.html_of(mail)
    assert '<a href="tel:+45 12 34 56 78">' in html
    assert "Helst efter kl. 15.<br>Tak &lt;3" in html
