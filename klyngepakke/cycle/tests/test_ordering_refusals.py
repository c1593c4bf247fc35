"""Every refusal of "Bestil" is decided by cycle.ordering.order_refusal, with a Danish
message, and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from klyngepakke.cycle import ordering
from klyngepakke.cycle.models import Order
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.surveys import scheduled
from tests import factories

from .ordering_support import first_package, place, today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(catalogue):
    pass


def refused(match: str, cluster=None, **changes) -> None:
    before = (Order.objects.count(), OutboxMessage.objects.count())
    with pytest.raises(ordering.OrderingError, match=match):
        place(cluster, **changes)
    assert (Order.objects.count(), OutboxMessage.objects.count()) == before


def test_a_second_running_order_of_the_same_package_for_the_same_cluster_is_refused():
    order = place()
    refused("allerede en igangværende bestilling", order.cluster)
    # Another cluster may order it, and after a cancel this cluster may order it again.
    place()
    ordering.cancel_order(order, "Forkert dato", None)
    assert place(order.cluster).state == Order.State.PLANNED


def test_a_running_order_with_an_open_survey_also_blocks_a_second_order():
    order = place(days_ahead=20)
    assert scheduled.open_due_rounds() == 1
    refused("allerede en igangværende bestilling", order.cluster)


def test_a_meeting_date_in_the_past_is_refused():
    refused("Mødedatoen ligger i fortiden", days_ahead=-1)


def test_a_meeting_too_soon_for_a_survey_of_a_week_is_refused():
    refused("mindst 7 dage", days_ahead=5)


def test_a_close_date_after_the_meeting_or_too_close_to_it_is_refused():
    meeting = today() + timedelta(days=40)
    refused("senest 2 dage før mødet", closes_on=meeting + timedelta(days=1))
    refused("senest 2 dage før mødet", closes_on=meeting - timedelta(days=1))


def test_opening_after_the_close_or_in_the_past_is_refused():
    meeting = today() + timedelta(days=40)
    refused("skal åbne, før det lukker", opens_on=meeting - timedelta(days=4), closes_on=meeting - timedelta(days=6))
    refused("tidligst åbne i dag", opens_on=today() - timedelta(days=1))


def test_a_survey_shorter_than_the_minimum_is_refused():
    meeting = today() + timedelta(days=40)
    refused("mindst 7 dage", opens_on=meeting - timedelta(days=10), closes_on=meeting - timedelta(days=5))


def test_a_reminder_soon_after_the_invitations_is_refused():
    # Nine days open: the package's reminder 7 days before the close would go the day after
    # the invitations (the rule: at least 3 days after opening).
    meeting = today() + timedelta(days=40)
    refused("mindre end 3 dage", opens_on=meeting - timedelta(days=13), closes_on=meeting - timedelta(days=5))


def test_a_call_request_needs_a_phone_number_and_a_time():
    refused("telefonnummer", call=ordering.CallWish(phone="12", preferred_time="tirsdag"))
    refused("hvornår", call=ordering.CallWish(phone="12 34 56 78", preferred_time=" "))


def test_the_refusal_function_allows_the_package_defaults():
    cluster = factories.survey_cluster(members=2, solo=1)
    data = ordering.OrderInput(meeting_date=today() + timedelta(days=40))
    assert ordering.order_refusal(cluster, first_package(), data, today()) is None
