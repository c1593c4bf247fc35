"""A plan belongs to the practice: the cluster sees its text only when shared; the
coordinator sees counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from klyngepakke.cycle import services
from klyngepakke.cycle.models import PlanRow, PracticePlan
from klyngepakke.registry.models import ClusterAssignment
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "Vi vil tale om kollegaens sygemelding"


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


@pytest.fixture
def plan(held_order):
    plan = PracticePlan.objects.filter(order=held_order).first()
    services.save_plan(plan, [services.PlanRowInput(what=SECRET)], "under_way", False, None, as_practice=True)
    return plan


def urls(plan):
    args = [plan.order.cluster.code, plan.order_id]
    return (
        reverse("cycle:plans", args=args),
        reverse("cycle:plan_detail", args=[*args, plan.pk]),
        reverse("cycle:plan_print", args=[*args, plan.pk]),
    )


def test_without_consent_the_cluster_sees_counts_only(plan):
    coordinator = client_for(factories.coordinator(plan.order.cluster))
    facilitator_user = factories.user()
    ClusterAssignment.objects.create(
        user=facilitator_user, cluster=plan.order.cluster, role=ClusterAssignment.Role.FACILITATOR
    )
    staff = factories.user(staff=True)
    list_url, detail_url, print_url = urls(plan)
    for client in (coordinator, client_for(facilitator_user)):
        listing = client.get(list_url).content.decode()
        assert "1 af" in listing
        assert "1 opdateret, 1 i gang" in listing
        assert SECRET not in listing
        assert SECRET not in client.get(detail_url).content.decode()
        assert client.get(print_url).status_code == 403
        assert (
            SECRET
            not in client.get(
                reverse("surveys:order_detail", args=[plan.order.cluster.code, plan.order_id])
            ).content.decode()
        )
    assert staff  # the national overview counts orders; it never reads plans


def test_the_coordinator_cannot_overwrite_an_unshared_plan(plan):
    coordinator = client_for(factories.coordinator(plan.order.cluster))
    _, detail_url, _ = urls(plan)
    response = coordinator.post(
        detail_url,
        {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-what": "Noget andet", "status": "done"},
    )
    assert response.status_code == 400
    assert "ikke delt sin plan" in response.content.decode()
    assert PlanRow.objects.get().what == SECRET


def test_with_consent_the_cluster_sees_and_prints_the_plan(plan):
    services.save_plan(plan, [services.PlanRowInput(what=SECRET)], "under_way", True, None, as_practice=True)
    coordinator = client_for(factories.coordinator(plan.order.cluster))
    _, detail_url, print_url = urls(plan)
    assert SECRET in coordinator.get(detail_url).content.decode()
    printed = coordinator.get(print_url)
    assert printed.status_code == 200
    assert SECRET in printed.content.decode()


def test_the_coordinator_fills_an_empty_plan_for_the_practice(held_order):
    plan = PracticePlan.objects.filter(order=held_order).first()
    coordinator = client_for(factories.coordinator(held_order.cluster))
    _, detail_url, _ = urls(plan)
    response = coordinator.post(
        detail_url,
        {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-what": "Fælles pauser", "status": "not_started"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.shared is False
    assert plan.rows.get().what == "Fælles pauser"
