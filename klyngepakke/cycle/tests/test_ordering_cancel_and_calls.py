"""Cancelling (with a reason, until the survey opens), the planning-call request and the
staff's e-mails about both."""

from __future__ import annotations

import pytest

from klyngepakke.cycle import ordering
from klyngepakke.cycle.models import Order
from klyngepakke.cycle.ordering_selectors import open_call_requests
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import process_outbox
from klyngepakke.surveys import scheduled
from tests import factories

from .ordering_support import place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(catalogue):
    pass


def test_cancel_records_the_reason_and_the_new_state():
    coordinator = factories.user()
    order = place(days_ahead=40)
    ordering.cancel_order(order, "  Mødet   er flyttet til foråret ", coordinator)
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    event = order.events.last()
    assert (event.state, event.note, event.by) == (Order.State.CANCELLED, "Mødet er flyttet til foråret", coordinator)


def test_cancel_needs_a_reason_and_happens_once():
    order = place(days_ahead=40)
    with pytest.raises(ordering.OrderingError, match="hvorfor"):
        ordering.cancel_order(order, "   ", None)
    ordering.cancel_order(order, "Aflyst", None)
    with pytest.raises(ordering.OrderingError, match="allerede annulleret"):
        ordering.cancel_order(order, "Igen", None)


def test_cancel_is_refused_once_the_survey_has_opened():
    order = place(days_ahead=20)
    scheduled.open_due_rounds()
    with pytest.raises(ordering.OrderingError, match="når spørgeskemaet er åbnet"):
        ordering.cancel_order(order, "For sent", None)
    order.refresh_from_db()
    assert order.state == Order.State.SURVEY_OPEN


def test_a_new_order_is_e_mailed_to_staff_with_addresses_only():
    staff = factories.user(staff=True)
    no_address = factories.user(staff=True)
    no_address.email = ""
    no_address.save()
    factories.user()  # not staff
    order = place(days_ahead=40)
    messages = OutboxMessage.objects.filter(kind="order_placed")
    assert list(messages.values_list("to", flat=True)) == [staff.email]
    assert order.pk  # the notification is about this order (notifications/tests cover its content)
    assert not OutboxMessage.objects.filter(kind="call_requested").exists()


def test_a_call_request_is_stored_listed_mailed_and_handled():
    staff = factories.user(staff=True)
    coordinator = factories.user()
    order = place(
        days_ahead=40,
        by=coordinator,
        call=ordering.CallWish(phone="+45 12 34 56 78", preferred_time="tirsdag formiddag"),
    )
    [call] = open_call_requests()
    assert (call.order, call.phone, call.preferred_time, call.requested_by) == (
        order,
        "+45 12 34 56 78",
        "tirsdag formiddag",
        coordinator,
    )
    assert OutboxMessage.objects.filter(kind="call_requested", to=staff.email).count() == 1
    assert ordering.mark_call_handled(call, staff) is True
    assert ordering.mark_call_handled(call, staff) is False
    call.refresh_from_db()
    assert call.handled_by == staff
    assert call.handled_at is not None
    assert not open_call_requests().exists()


def test_the_staff_e_mails_render_in_danish(mailoutbox):
    factories.user(staff=True)
    place(days_ahead=40, call=ordering.CallWish(phone="12345678", preferred_time="efter kl. 16"))
    process_outbox()
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects[0].startswith("Ny bestilling: Trivsel og arbejdsglæde til ")
    assert subjects[1].startswith("Ring mig op: ")
    call_mail = next(m for m in mailoutbox if m.subject.startswith("Ring mig op"))
    assert "12345678" in call_mail.body
    assert "efter kl. 16" in call_mail.body
    assert "/bestillinger/" in call_mail.body


def test_a_cancelled_orders_call_request_leaves_the_queue():
    order = place(days_ahead=40, call=ordering.CallWish(phone="12345678", preferred_time="mandag"))
    ordering.cancel_order(order, "Aflyst", None)
    assert not open_call_requests().exists()
