"""Every step the services offer, tried in every state of an order: allowed ones move the
order where they should, refused ones raise a Danish error and change nothing.

The expected table is written out by hand here (not derived from TRANSITIONS), so a
change to a rule in the services must be matched by a change to this table.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services
from klyngepakke.cycle.models import MeetingRecord, Order, OrderEvent
from klyngepakke.surveys import services as order_services
from tests import factories

from .conftest import decisions

pytestmark = pytest.mark.django_db
State = Order.State
ALL = [State.ORDERED, State.PLANNED, State.SURVEY_OPEN, State.SURVEY_CLOSED]
ALL += [State.MEETING_HELD, State.FOLLOW_UP_DUE, State.DONE]
MEETING_DAY = 7  # the meeting was (planned) this many days ago


def _facts() -> services.MeetingFacts:
    held_on = timezone.localdate() - timedelta(days=MEETING_DAY)
    physical = MeetingRecord.Format.PHYSICAL
    return services.MeetingFacts(held_on=held_on, minutes=150, format=physical, attendees=5, notes="")


def _plan(order: Order) -> Order:
    return services.plan_meeting(
        order,
        meeting_date=timezone.localdate() - timedelta(days=MEETING_DAY),
        place="Lægehuset",
        minutes=150,
        program_notes="",
        by=None,
    )


def _walk_to(state: str) -> Order:
    """A fresh well-being order taken along the cycle by the real services to `state`."""
    cluster = factories.survey_cluster(members=4, solo=1)
    order = services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), None)
    path = ALL[1 : ALL.index(state) + 1]
    for step in path:
        if step == State.PLANNED:
            _plan(order)
        elif step == State.SURVEY_OPEN:
            order_services.open_round(order, timezone.now() + timedelta(days=7), None)
        elif step == State.SURVEY_CLOSED:
            order_services.close_round(order.rounds.get(closed_at__isnull=True), None)
        elif step == State.MEETING_HELD:
            services.record_meeting(order, _facts(), None)
            services.save_decisions(Order.objects.get(pk=order.pk), decisions(order), None)
        elif step == State.FOLLOW_UP_DUE:
            services.mark_follow_ups_due(Order.objects.get(pk=order.pk).follow_up_due_on)
        elif step == State.DONE:
            services.mark_done(order, None)
    order = Order.objects.get(pk=order.pk)
    assert order.state == state
    return order


def _open(order: Order) -> None:
    order_services.open_round(order, timezone.now() + timedelta(days=9), None)


STEPS = {
    "plan_meeting": _plan,
    "open_round": _open,
    "record_meeting": lambda o: services.record_meeting(o, _facts(), None),
    "mark_done": lambda o: services.mark_done(o, None),
    "order_follow_up": lambda o: services.order_follow_up(o, None),
}
# step -> {state it is allowed in: the state the order is in afterwards}
ALLOWED = {
    "plan_meeting": {
        State.ORDERED: State.PLANNED,
        State.PLANNED: State.PLANNED,
        State.SURVEY_OPEN: State.SURVEY_OPEN,
        State.SURVEY_CLOSED: State.SURVEY_CLOSED,
    },
    "open_round": {
        State.ORDERED: State.SURVEY_OPEN,
        State.PLANNED: State.SURVEY_OPEN,
        State.SURVEY_CLOSED: State.SURVEY_OPEN,
    },
    "record_meeting": {State.SURVEY_CLOSED: State.MEETING_HELD},
    "mark_done": {
        State.ORDERED: State.DONE,
        State.PLANNED: State.DONE,
        State.SURVEY_CLOSED: State.DONE,
        State.MEETING_HELD: State.DONE,
        State.FOLLOW_UP_DUE: State.DONE,
    },
    # The order itself stays where it is; the follow-up is a new order linked to it.
    "order_follow_up": {State.MEETING_HELD: State.MEETING_HELD, State.FOLLOW_UP_DUE: State.FOLLOW_UP_DUE},
}
CASES = [(step, state) for step in STEPS for state in ALL]


def _snapshot(order: Order) -> tuple:
    order = Order.objects.get(pk=order.pk)
    return (
        order.state,
        order.meeting_date,
        order.follow_up_due_on,
        list(OrderEvent.objects.filter(order=order).values_list("state", "note")),
        order.rounds.count(),
        Order.objects.count(),
        MeetingRecord.objects.count(),
    )


@pytest.mark.parametrize(("step", "state"), CASES, ids=[f"{step}-in-{state}" for step, state in CASES])
def test_each_step_in_each_state(catalogue, step, state):
    order = _walk_to(state)
    allowed = ALLOWED[step]
    if state in allowed:
        STEPS[step](order)
        assert Order.objects.get(pk=order.pk).state == allowed[state]
        return
    before = _snapshot(order)
    with pytest.raises((services.OrderError, services.CycleError)) as refused:
        STEPS[step](order)
    message = str(refused.value)
    assert message[:1].isupper()
    assert _snapshot(order) == before


@pytest.mark.parametrize("state", ALL)
def test_only_a_held_meeting_whose_date_has_come_falls_due(catalogue, state):
    order = _walk_to(state)
    due_on = order.follow_up_due_on or timezone.localdate()
    moved = services.mark_follow_ups_due(due_on)
    expected = State.FOLLOW_UP_DUE if state == State.MEETING_HELD else state
    assert moved == (1 if state == State.MEETING_HELD else 0)
    assert Order.objects.get(pk=order.pk).state == expected
