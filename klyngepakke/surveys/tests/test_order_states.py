"""The order's state machine and the operators' commands open_round and close_round.

ordered -> planned -> survey open -> survey closed -> meeting held -> follow-up due -> done,
each step an OrderEvent saying who and when; a step the state does not allow raises
OrderError with a Danish message and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order, OrderEvent
from klyngepakke.surveys import services
from klyngepakke.surveys.models import Invitation, Round
from tests import factories

PACKAGE = "trivsel-og-arbejdsglaede"
State = Order.State


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


@pytest.fixture
def cluster(catalogue):
    return factories.survey_cluster(members=4, solo=1)


@pytest.fixture
def package(catalogue) -> Package:
    return Package.objects.get(code=PACKAGE)


@pytest.fixture
def coordinator(cluster):
    return factories.coordinator(cluster)


@pytest.fixture
def order(cluster, package, coordinator) -> Order:
    return cycle_services.new_order(cluster, package, coordinator)


def in_days(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def history(order: Order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).values_list("state", flat=True))


def plan(order: Order, by=None) -> Order:
    return cycle_services.plan_meeting(
        order, meeting_date=date(2030, 5, 1), place="Lægehuset", minutes=150, program_notes="", by=by
    )


# --- The whole cycle ----------------------------------------------------------------------


def test_the_whole_cycle_records_who_and_when(cluster, package, coordinator, make_staff_user):
    consultant = make_staff_user()
    started = timezone.now()

    order = cycle_services.new_order(cluster, package, coordinator)
    assert fresh(order).state == State.ORDERED

    plan(order, by=coordinator)
    assert fresh(order).state == State.PLANNED

    round_ = services.open_round(order, in_days(14), consultant)
    assert fresh(order).state == State.SURVEY_OPEN
    assert round_.invitations.count() == 4

    services.close_round(round_, coordinator)
    assert fresh(order).state == State.SURVEY_CLOSED

    follow_up = timezone.localdate() + timedelta(days=180)
    cycle_services.record_meeting_held(order, follow_up, coordinator)
    order = fresh(order)
    assert order.state == State.MEETING_HELD
    assert order.follow_up_due_on == follow_up

    assert cycle_services.mark_follow_ups_due(follow_up - timedelta(days=1)) == 0
    assert fresh(order).state == State.MEETING_HELD
    assert cycle_services.mark_follow_ups_due(follow_up) == 1
    assert fresh(order).state == State.FOLLOW_UP_DUE
    assert cycle_services.mark_follow_ups_due(follow_up) == 0  # only once

    cycle_services.mark_done(order, consultant)
    assert fresh(order).state == State.DONE

    events = list(OrderEvent.objects.filter(order=order))
    assert [(e.state, e.by) for e in events] == [
        (State.ORDERED, coordinator),
        (State.PLANNED, coordinator),
        (State.SURVEY_OPEN, consultant),
        (State.SURVEY_CLOSED, coordinator),
        (State.MEETING_HELD, coordinator),
        (State.FOLLOW_UP_DUE, None),  # the scheduler, not a person
        (State.DONE, consultant),
    ]
    finished = timezone.now()
    assert all(started <= e.at <= finished for e in events)
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert events[5].note == "Opfølgningsdato nået"


def test_replanning_is_recorded_without_changing_the_state(order, coordinator):
    plan(order, by=coordinator)
    cycle_services.plan_meeting(
        order, meeting_date=None, place="Andet sted", minutes=180, program_notes="", by=coordinator
    )
    order = fresh(order)
    assert order.state == State.PLANNED
    assert (order.meeting_place, order.meeting_minutes) == ("Andet sted", 180)
    assert history(order) == [State.ORDERED, State.PLANNED, State.PLANNED]


def test_a_round_may_open_straight_from_ordered(order):
    services.open_round(order, in_days(7), None)
    assert fresh(order).state == State.SURVEY_OPEN


def test_a_closed_survey_may_get_another_round(order):
    first = services.open_round(order, in_days(7), None)
    services.close_round(first, None)
    second = services.open_round(order, in_days(7), None)
    assert fresh(order).state == State.SURVEY_OPEN
    assert second.pk != first.pk


def test_an_order_may_be_cancelled_before_its_survey(order):
    cycle_services.mark_done(order, None)
    assert fresh(order).state == State.DONE


def test_follow_ups_without_a_date_never_fall_due(order):
    round_ = services.open_round(order, in_days(7), None)
    services.close_round(round_, None)
    cycle_services.record_meeting_held(order, None, None)
    assert cycle_services.mark_follow_ups_due(timezone.localdate() + timedelta(days=3650)) == 0
    assert fresh(order).state == State.MEETING_HELD


def test_closing_a_closed_round_again_changes_nothing(order):
    round_ = services.open_round(order, in_days(7), None)
    services.close_round(round_, None)
    services.close_round(round_, None)
    assert history(order) == [State.ORDERED, State.SURVEY_OPEN, State.SURVEY_CLOSED]


# --- Steps the state does not allow ------------------------------------------------------


def _to(state: str, order: Order) -> Order:
    """Walk `order` along the cycle to `state`."""
    path = [State.ORDERED, State.PLANNED, State.SURVEY_OPEN, State.SURVEY_CLOSED, State.MEETING_HELD]
    path += [State.FOLLOW_UP_DUE, State.DONE]
    for step in path[1 : path.index(state) + 1]:
        if step == State.PLANNED:
            plan(order)
        elif step == State.SURVEY_OPEN:
            services.open_round(order, in_days(7), None)
        elif step == State.SURVEY_CLOSED:
            services.close_round(order.rounds.get(closed_at__isnull=True), None)
        elif step == State.MEETING_HELD:
            cycle_services.record_meeting_held(order, timezone.localdate(), None)
        elif step == State.FOLLOW_UP_DUE:
            cycle_services.mark_follow_ups_due(timezone.localdate())
        elif step == State.DONE:
            cycle_services.mark_done(order, None)
    order = fresh(order)
    assert order.state == state
    return order


ILLEGAL = [
    (State.ORDERED, "meeting held", lambda o: cycle_services.record_meeting_held(o, None, None)),
    (State.PLANNED, "meeting held", lambda o: cycle_services.record_meeting_held(o, None, None)),
    (State.SURVEY_OPEN, "meeting held", lambda o: cycle_services.record_meeting_held(o, None, None)),
    (State.SURVEY_OPEN, "done", lambda o: cycle_services.mark_done(o, None)),
    (State.SURVEY_OPEN, "second round", lambda o: services.open_round(o, in_days(9), None)),
    (State.MEETING_HELD, "new round", lambda o: services.open_round(o, in_days(9), None)),
    (State.MEETING_HELD, "held twice", lambda o: cycle_services.record_meeting_held(o, None, None)),
    (State.FOLLOW_UP_DUE, "new round", lambda o: services.open_round(o, in_days(9), None)),
    (State.DONE, "done twice", lambda o: cycle_services.mark_done(o, None)),
    (State.DONE, "new round", lambda o: services.open_round(o, in_days(9), None)),
    (State.DONE, "meeting held", lambda o: cycle_services.record_meeting_held(o, timezone.localdate(), None)),
]


@pytest.mark.parametrize(("state", "label", "step"), ILLEGAL, ids=[f"{s}-{label}" for s, label, _ in ILLEGAL])
def test_an_illegal_step_raises_a_danish_error_and_changes_nothing(order, state, label, step):
    order = _to(state, order)
    before = (
        order.state,
        order.follow_up_due_on,
        history(order),
        list(Round.objects.values_list("pk", "closed_at", "closes_at")),
        Invitation.objects.count(),
    )

    with pytest.raises(cycle_services.OrderError) as raised:
        step(order)

    message = str(raised.value)
    assert message.startswith("Bestillingen ")
    assert any(word in message for word in ("kan ikke gå fra", "har allerede en åben runde"))
    order = fresh(order)
    after = (
        order.state,
        order.follow_up_due_on,
        history(order),
        list(Round.objects.values_list("pk", "closed_at", "closes_at")),
        Invitation.objects.count(),
    )
    assert after == before


def test_the_error_names_both_states_in_danish(order):
    with pytest.raises(cycle_services.OrderError, match="kan ikke gå fra 'Bestilt' til 'Møde afholdt'"):
        cycle_services.record_meeting_held(order, None, None)


def test_every_state_has_its_transitions_listed():
    assert set(cycle_services.TRANSITIONS) == set(State.values)
    assert cycle_services.TRANSITIONS[State.DONE] == set()
    for targets in cycle_services.TRANSITIONS.values():
        assert targets <= set(State.values)


def test_a_round_must_close_in_the_future(order):
    with pytest.raises(cycle_services.OrderError, match="Lukketidspunktet skal ligge i fremtiden"):
        services.open_round(order, timezone.now() - timedelta(minutes=1), None)
    assert not Round.objects.exists()
    assert fresh(order).state == State.ORDERED


def test_extending_a_closed_round_is_refused(order):
    round_ = services.open_round(order, in_days(7), None)
    services.close_round(round_, None)
    with pytest.raises(cycle_services.OrderError, match="Runden er lukket og kan ikke forlænges"):
        services.extend_round(round_, in_days(30), None)


# --- manage.py open_round / close_round ---------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_open_round_creates_the_order_and_prints_the_round_id(cluster):
    out, err = run("open_round", "--cluster", cluster.code, "--package", PACKAGE)

    round_ = Round.objects.get()
    assert out.strip() == str(round_.pk)  # only the id on stdout, for scripts
    assert "4 invitations queued" in err
    order = round_.order
    assert (order.cluster, order.package.code, order.state) == (cluster, PACKAGE, State.SURVEY_OPEN)
    assert history(order) == [State.ORDERED, State.SURVEY_OPEN]
    assert round_.invitations.count() == 4
    assert round_.closes_at == services.default_closes_at(round_.opened_at)


@pytest.mark.parametrize("state", [State.ORDERED, State.PLANNED])
def test_open_round_reuses_an_ordered_or_planned_order(cluster, order, state):
    if state == State.PLANNED:
        plan(order)
    out, _ = run("open_round", "--cluster", cluster.code, "--package", PACKAGE)
    assert Order.objects.count() == 1
    assert Round.objects.get(pk=int(out)).order == order
    assert fresh(order).state == State.SURVEY_OPEN


def test_open_round_leaves_finished_orders_alone(cluster, order):
    cycle_services.mark_done(order, None)
    out, _ = run("open_round", "--cluster", cluster.code, "--package", PACKAGE)
    assert Order.objects.count() == 2
    assert Round.objects.get(pk=int(out)).order != order
    assert fresh(order).state == State.DONE


def test_open_round_with_a_closing_day(cluster):
    day = timezone.localdate() + timedelta(days=21)
    out, _ = run("open_round", "--cluster", cluster.code, "--package", PACKAGE, "--closes", day.isoformat())
    closes_at = timezone.localtime(Round.objects.get(pk=int(out)).closes_at)
    assert closes_at.date() == day
    assert closes_at.strftime("%H:%M") == "23:59"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--cluster", "findes-ikke", "--package", PACKAGE], "findes-ikke"),
        (["--cluster", "{cluster}", "--package", "ingen-pakke"], "ingen-pakke"),
        (["--cluster", "{cluster}", "--package", PACKAGE, "--closes", "31.12.2030"], "31.12.2030"),
        (["--cluster", "{cluster}", "--package", PACKAGE, "--closes", "2000-01-01"], "Lukketidspunktet"),
    ],
    ids=["unknown-cluster", "unknown-package", "bad-date", "past-date"],
)
def test_open_round_refuses_bad_input_naming_it(cluster, args, named):
    args = [a.format(cluster=cluster.code) for a in args]
    with pytest.raises(CommandError, match=named):
        run("open_round", *args)
    assert not Round.objects.exists()
    assert not Invitation.objects.exists()


def test_a_refused_open_round_leaves_no_order_behind(cluster):
    with pytest.raises(CommandError):
        run("open_round", "--cluster", cluster.code, "--package", PACKAGE, "--closes", "2000-01-01")
    assert not Order.objects.exists()


def test_close_round_closes_it(cluster):
    out, _ = run("open_round", "--cluster", cluster.code, "--package", PACKAGE)
    round_id = out.strip()

    closed, _ = run("close_round", round_id)
    assert closed.strip() == f"Round {round_id} closed."
    round_ = Round.objects.get(pk=int(round_id))
    assert round_.closed_at is not None
    assert round_.order.state == State.SURVEY_CLOSED

    again, _ = run("close_round", round_id)
    assert again.strip() == f"Round {round_id} was already closed."
    assert history(round_.order) == [State.ORDERED, State.SURVEY_OPEN, State.SURVEY_CLOSED]


def test_close_round_names_an_unknown_id(db):
    with pytest.raises(CommandError, match="no round with id 424242"):
        run("close_round", "424242")


def test_open_round_refuses_a_second_open_round_of_the_same_package(db, capsys):
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=2, solo=0)
    call_command("open_round", cluster=cluster.code, package="trivsel-og-arbejdsglaede")
    with pytest.raises(CommandError, match="already has an open round"):
        call_command("open_round", cluster=cluster.code, package="trivsel-og-arbejdsglaede")
