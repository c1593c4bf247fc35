"""Every page of the cycle is accessible and CSP-clean (the site's static audit), with
and without form errors, for the coordinator and for the practice's own link."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from klyngepakke.cycle import services
from klyngepakke.cycle.models import PlanToken, PracticePlan
from klyngepakke.support.tokens import new_token
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from tests import factories

from .conftest import decisions

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(held_order):
    services.save_decisions(held_order, decisions(held_order), None)
    plans = list(PracticePlan.objects.filter(order=held_order).order_by("pk"))
    services.save_plan(plans[0], [services.PlanRowInput(what="Pauser")], "under_way", True, None, as_practice=True)
    client = Client()
    login(client, factories.coordinator(held_order.cluster))
    code, pk = held_order.cluster.code, held_order.pk
    return (
        client,
        held_order,
        plans,
        [
            reverse("surveys:order_detail", args=[code, pk]),
            reverse("cycle:meeting", args=[code, pk]),
            reverse("cycle:decisions", args=[code, pk]),
            reverse("cycle:plans", args=[code, pk]),
            reverse("cycle:plan_detail", args=[code, pk, plans[0].pk]),  # shared: shown and editable
            reverse("cycle:plan_detail", args=[code, pk, plans[1].pk]),  # empty: the coordinator may fill it
            reverse("cycle:plan_print", args=[code, pk, plans[0].pk]),
            reverse("cycle:plan_print", args=[code, pk, plans[1].pk]),  # not shared: 403 page
        ],
    )


def test_the_coordinators_pages(pages):
    client, _, _, urls = pages
    for url in urls:
        assert_accessible_and_csp_clean(client.get(url))


def test_pages_with_errors(pages):
    client, order, plans, _ = pages
    code = order.cluster.code
    for url, data in [
        (reverse("cycle:meeting", args=[code, order.pk]), {"minutes": "x"}),
        (reverse("cycle:decisions", args=[code, order.pk]), {"follow_up_on": "2020-01-01", "follow_up_package": ""}),
        (
            reverse("cycle:plan_detail", args=[code, order.pk, plans[1].pk]),
            {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-why": "uden hvad", "status": "done"},
        ),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400
        assert_accessible_and_csp_clean(response)


def test_the_practices_own_pages(pages):
    _, _, plans, _ = pages
    token, token_hash = new_token()
    PlanToken.objects.create(plan=plans[0], token_hash=token_hash)
    client = Client()
    client.get(reverse("cycle:plan_enter", args=[token]))
    for name in ("cycle:practice_plan", "cycle:practice_plan_print"):
        assert_accessible_and_csp_clean(client.get(reverse(name)))
    assert_accessible_and_csp_clean(Client().get(reverse("cycle:plan_enter", args=["A" * 32])))
