"""Each cluster's place in the cycle (cycle.stages), as the national overview shows it:
one stage per cluster, counts per region and nationally, due and overdue follow-ups,
plan counts, and a fixed number of queries however many clusters there are."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services
from klyngepakke.cycle.models import MeetingRecord, Order, PracticePlan
from klyngepakke.cycle.stages import OVERDUE_GRACE_DAYS, Stage, cycle_overview
from klyngepakke.notifications.models import Notice
from klyngepakke.notifications.services import notify_follow_ups_due
from klyngepakke.surveys import services as order_services
from tests import factories

from .conftest import decisions

pytestmark = pytest.mark.django_db
State = Order.State
FIRST = "trivsel-og-arbejdsglaede"
FOLLOW_UP = "opfoelgning-trivsel-og-arbejdsglaede"


def _package(code: str) -> Package:
    return Package.objects.get(code=code)


def _facts(days_ago: int = 7) -> services.MeetingFacts:
    return services.MeetingFacts(
        held_on=timezone.localdate() - timedelta(days=days_ago),
        minutes=150,
        format=MeetingRecord.Format.VIRTUAL,
        attendees=4,
        notes="",
    )


def _closed(cluster, code: str = FIRST, follows: bool = False) -> Order:
    order = (
        services.order_package(cluster, _package(code), None)
        if follows
        else services.new_order(cluster, _package(code), None)
    )
    services.plan_meeting(
        order,
        meeting_date=timezone.localdate() - timedelta(days=7),
        place="",
        minutes=150,
        program_notes="",
        by=None,
    )
    round_ = order_services.open_round(order, timezone.now() + timedelta(days=7), None)
    order_services.close_round(round_, None)
    return Order.objects.get(pk=order.pk)


def _held(cluster, *, plan_text: str = "") -> Order:
    order = _closed(cluster)
    services.record_meeting(order, _facts(), None)
    services.save_decisions(Order.objects.get(pk=order.pk), decisions(order), None)
    if plan_text:
        plan = PracticePlan.objects.filter(order=order).first()
        services.save_plan(plan, [services.PlanRowInput(what=plan_text)], "under_way", False, None, as_practice=True)
    return Order.objects.get(pk=order.pk)


def _due(cluster) -> Order:
    order = _held(cluster)
    services.mark_follow_ups_due(order.follow_up_due_on)
    return Order.objects.get(pk=order.pk)


def _stage_of(overview, cluster):
    return next(s for s in overview.clusters if s.code == cluster.code)


def _later(order: Order, days: int) -> date:
    assert order.follow_up_due_on is not None
    return order.follow_up_due_on + timedelta(days=days)


def test_one_stage_per_cluster_along_the_cycle(catalogue):
    c = {name: factories.survey_cluster(members=3, solo=1) for name in "abcdefghij"}
    services.new_order(c["a"], _package(FIRST), None)
    factories.open_survey_round(c["b"])
    _closed(c["c"])
    due = _due(c["f"])
    followed = _due(c["g"])
    follow_up = services.order_follow_up(followed, None)
    first = _due(c["h"])
    second = services.order_follow_up(first, None)
    round_ = order_services.open_round(second, timezone.now() + timedelta(days=7), None)
    order_services.close_round(round_, None)
    services.plan_meeting(second, meeting_date=timezone.localdate(), place="", minutes=150, program_notes="", by=None)
    services.record_meeting(second, _facts(0), None)
    # After the others: `_due` moves every held meeting with the same date.
    _held(c["d"])
    _held(c["e"], plan_text="Fast frokost")
    # A cancelled order (closed before its survey) is no place in the cycle.
    services.mark_done(services.new_order(c["i"], _package(FIRST), None), None)

    today = timezone.localdate()
    overview = cycle_overview(today)
    assert due.state == State.FOLLOW_UP_DUE
    stages = {name: _stage_of(overview, cluster).stage for name, cluster in c.items()}

    assert stages == {
        "a": Stage.ORDERED,
        "b": Stage.SURVEY_OPEN,
        "c": Stage.SURVEY_CLOSED,
        "d": Stage.MEETING_HELD,
        "e": Stage.PLANS_MADE,
        "f": Stage.FOLLOW_UP_DUE,
        "g": Stage.FOLLOW_UP_ORDERED,
        "h": Stage.FOLLOW_UP_HELD,
        "i": Stage.NONE,
        "j": Stage.NONE,
    }
    assert Order.objects.get(pk=first.pk).state == State.DONE
    assert Order.objects.get(pk=follow_up.pk).follows_up_id == followed.pk
    assert _stage_of(overview, c["h"]).package == _package(FOLLOW_UP).title
    # Held meetings: d, e, f, g, h (h twice, counted once as a cluster).
    assert overview.national.held_meeting == 5
    assert overview.national.clusters == 10
    # Only f waits for a follow-up; g's is ordered, h's is held.
    assert overview.national.follow_ups_due == 1
    assert dict(overview.national.by_stage)[Stage.NONE] == 2
    assert sum(n for _, n in overview.national.by_stage) == 10


def test_overdue_after_the_grace_unless_a_follow_up_is_ordered(catalogue):
    waiting = _due(factories.survey_cluster(members=3, solo=1))
    ordered = _due(factories.survey_cluster(members=3, solo=1))
    # Ordered through "Bestil pakke" (the one candidate is linked), not the one click.
    linked = services.order_package(ordered.cluster, _package(FOLLOW_UP), None)
    assert linked.follows_up_id == ordered.pk

    within = cycle_overview(_later(waiting, OVERDUE_GRACE_DAYS))
    after = cycle_overview(_later(waiting, OVERDUE_GRACE_DAYS + 1))

    assert (within.national.follow_ups_due, within.national.follow_ups_overdue) == (1, 0)
    assert (after.national.follow_ups_due, after.national.follow_ups_overdue) == (1, 1)
    assert _stage_of(after, waiting.cluster).overdue
    assert _stage_of(after, ordered.cluster).stage == Stage.FOLLOW_UP_ORDERED
    assert not _stage_of(after, ordered.cluster).overdue
    # Nor is its coordinator told that the follow-up is due: it is ordered.
    assert notify_follow_ups_due(_later(waiting, 1)) == 1
    assert not Notice.objects.filter(kind="follow_up_due", object_id=ordered.pk).exists()


def test_a_cancelled_follow_up_leaves_the_old_order_due(catalogue):
    order = _due(factories.survey_cluster(members=3, solo=1))
    follow_up = services.order_follow_up(order, None)
    services.mark_done(follow_up, None)

    overview = cycle_overview(_later(order, OVERDUE_GRACE_DAYS + 1))

    assert _stage_of(overview, order.cluster).stage == Stage.FOLLOW_UP_DUE
    assert overview.national.follow_ups_overdue == 1


def test_the_follow_up_order_ends_too(catalogue):
    """Its meeting ends the old order; the follow-up itself is then "meeting held" (it may
    decide yet another follow-up) and is closed like any order after its meeting."""
    first = _due(factories.survey_cluster(members=3, solo=1))
    follow_up = services.order_follow_up(first, None)
    round_ = order_services.open_round(follow_up, timezone.now() + timedelta(days=7), None)
    order_services.close_round(round_, None)
    services.record_meeting(follow_up, _facts(0), None)
    assert Order.objects.get(pk=first.pk).state == State.DONE
    assert Order.objects.get(pk=follow_up.pk).state == State.MEETING_HELD

    services.mark_done(follow_up, None)

    assert Order.objects.get(pk=follow_up.pk).state == State.DONE
    overview = cycle_overview(timezone.localdate())
    assert _stage_of(overview, first.cluster).stage == Stage.FOLLOW_UP_HELD
    assert overview.national.follow_ups_due == 0


def test_plan_counts_per_region_without_any_text(catalogue):
    south = _held(factories.survey_cluster(members=4, solo=0), plan_text="Hemmelig plan om frokost")
    capital = _held(factories.survey_cluster(members=4, solo=0, region_code="hovedstaden"))
    plan = PracticePlan.objects.filter(order=capital).first()
    rows = [services.PlanRowInput(what="Anden plan")]
    services.save_plan(plan, rows, "under_way", False, None, as_practice=True)
    # Asked before the follow-up (both clusters), only the capital's practice answers.
    assert services.request_plan_statuses(capital.follow_up_due_on) >= 2
    services.save_plan(plan, rows, "done", False, None, as_practice=True)

    overview = cycle_overview(timezone.localdate())

    regions = {r.region.code: r for r in overview.regions}
    assert (regions["syddanmark"].plans.made, regions["syddanmark"].plans.done) == (1, 0)
    assert (regions["hovedstaden"].plans.made, regions["hovedstaden"].plans.done) == (1, 1)
    assert (overview.national.plans.made, overview.national.plans.updated, overview.national.plans.done) == (2, 1, 1)
    assert "Hemmelig" not in repr(overview)
    assert south.cluster.code in {s.code for s in overview.clusters}


def test_the_region_filter_limits_the_list_not_the_counts(catalogue):
    _held(factories.survey_cluster(members=3, solo=0))
    capital = factories.survey_cluster(members=3, solo=0, region_code="hovedstaden")

    overview = cycle_overview(timezone.localdate(), "hovedstaden")

    assert [s.code for s in overview.clusters] == [capital.code]
    assert overview.national.clusters == 2
    assert overview.national.held_meeting == 1


def _queries(today: date) -> int:
    with CaptureQueriesContext(connection) as captured:
        cycle_overview(today)
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_clusters(catalogue):
    _held(factories.survey_cluster(members=3, solo=0), plan_text="Plan")
    _due(factories.survey_cluster(members=3, solo=0))
    few = _queries(timezone.localdate())
    for _ in range(4):
        _held(factories.survey_cluster(members=3, solo=0, region_code="hovedstaden"), plan_text="Plan")
        due = _due(factories.survey_cluster(members=3, solo=0))
        services.order_follow_up(due, None)
        factories.open_survey_round(factories.survey_cluster(members=3, solo=0))

    assert _queries(timezone.localdate()) == few <= 4
