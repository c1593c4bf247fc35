"""A practice's plan in the service: made at the meeting, saved all or nothing, and
the coordinator edits it only while it is empty or shared."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.cycle import selectors, services
from klyngepakke.cycle.models import PlanRow, PracticePlan

pytestmark = pytest.mark.django_db

ROW = services.PlanRowInput(
    what="Fælles frokostpause",
    why="Vi ser for lidt til hinanden",
    first_step="Sæt tid af i kalenderen",
    who="Alle læger",
    by_when=timezone.localdate() + timedelta(days=30),
    how_we_know="Vi spiser sammen mindst tre dage om ugen",
)


def test_every_practice_of_the_cluster_gets_a_plan_when_the_meeting_is_recorded(held_order):
    practices = set(held_order.cluster.practices.values_list("pk", flat=True))
    assert set(PracticePlan.objects.filter(order=held_order).values_list("practice", flat=True)) == practices
    assert services.ensure_plans(held_order)
    assert PracticePlan.objects.filter(order=held_order).count() == len(practices)


def test_the_practice_saves_its_plan_and_its_consent(held_order):
    plan = PracticePlan.objects.filter(order=held_order).first()

    services.save_plan(plan, [ROW, services.PlanRowInput(what="")], "under_way", True, None, as_practice=True)

    plan.refresh_from_db()
    assert (plan.status, plan.shared) == ("under_way", True)
    assert plan.updated_at is not None
    assert list(plan.rows.values_list("what", flat=True)) == ["Fælles frokostpause"]  # blank rows dropped
    counts = selectors.plan_counts(held_order)
    assert (counts.made, counts.updated, counts.under_way, counts.shared) == (1, 1, 1, 1)


@pytest.mark.parametrize(
    ("rows", "status", "message"),
    [
        ([services.PlanRowInput(what="", why="Fordi")], "done", "skriv, hvad I vil ændre"),
        ([ROW] * 21, "done", "højst have 20 rækker"),
        ([services.PlanRowInput(what="x" * 501)], "done", "for lang"),
        ([ROW], "finished", "gyldig status"),
    ],
)
def test_bad_plans_are_refused_and_nothing_changes(held_order, rows, status, message):
    plan = PracticePlan.objects.filter(order=held_order).first()
    services.save_plan(plan, [ROW], "not_started", False, None, as_practice=True)

    with pytest.raises(services.CycleError, match=message):
        services.save_plan(plan, rows, status, True, None, as_practice=True)

    plan.refresh_from_db()
    assert (plan.status, plan.shared) == ("not_started", False)
    assert list(PlanRow.objects.values_list("what", flat=True)) == ["Fælles frokostpause"]


def test_the_coordinator_may_fill_an_empty_plan_but_not_change_an_unshared_one(held_order):
    plan = PracticePlan.objects.filter(order=held_order).first()
    services.save_plan(plan, [ROW], "not_started", False, None, as_practice=False)
    plan.refresh_from_db()
    assert plan.shared is False  # only the practice gives its consent

    with pytest.raises(services.CycleError, match="ikke delt sin plan"):
        services.save_plan(plan, [services.PlanRowInput(what="Andet")], "done", False, None, as_practice=False)
    assert PlanRow.objects.get().what == "Fælles frokostpause"

    services.save_plan(plan, [ROW], "under_way", True, None, as_practice=True)
    services.save_plan(plan, [services.PlanRowInput(what="Andet")], "done", False, None, as_practice=False)
    plan.refresh_from_db()
    assert (plan.status, plan.shared, PlanRow.objects.get().what) == ("done", True, "Andet")


def test_no_plan_changes_after_the_order_is_done(held_order):
    plan = PracticePlan.objects.filter(order=held_order).first()
    services.mark_done(held_order, None)
    with pytest.raises(services.CycleError, match="før bestillingen er afsluttet"):
        services.save_plan(plan, [ROW], "done", True, None, as_practice=True)
    with pytest.raises(services.CycleError, match="før bestillingen er afsluttet"):
        services.send_plan_link(plan, None)
    assert not PlanRow.objects.exists()
