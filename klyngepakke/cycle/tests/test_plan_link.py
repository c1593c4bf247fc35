"""The practice's own link: e-mailed once per doctor, invalid and replaced links refused,
the plan saved and printed from it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from klyngepakke.cycle import services
from klyngepakke.cycle.models import PlanToken, PracticePlan
from klyngepakke.outbox.services import process_outbox

pytestmark = pytest.mark.django_db


def links(smtp_server, count):
    messages = smtp_server.mailbox.wait_for(count)
    assert len(messages) == count
    return [re.search(r"http://testserver(/p/[^/\s]+/)", smtp_server.mailbox.text_of(m)).group(1) for m in messages]


def partnership_plan(order):
    return PracticePlan.objects.filter(order=order, practice__kind="partnership").first()


def test_the_link_arrives_once_per_doctor_and_opens_the_plan(held_order, smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    plan = partnership_plan(held_order)
    assert services.send_plan_link(plan, None) == 2
    process_outbox()
    process_outbox()
    paths = links(smtp_server, 2)
    assert len(set(paths)) == 2
    assert {str(m["To"]) for m in smtp_server.mailbox.messages} == set(
        plan.practice.members.values_list("email", flat=True)
    )
    assert PlanToken.objects.filter(plan=plan).count() == 2
    assert not any(
        path.split("/")[2] in t for t in PlanToken.objects.values_list("token_hash", flat=True) for path in paths
    )

    client = Client()
    entered = client.get(paths[0])
    assert entered.status_code == 302
    assert entered["Location"] == reverse("cycle:practice_plan")
    assert entered["Referrer-Policy"] == "no-referrer"
    page = client.get(reverse("cycle:practice_plan"))
    assert page.status_code == 200
    assert plan.practice.name in page.content.decode()

    saved = client.post(
        reverse("cycle:practice_plan"),
        {
            "rows-TOTAL_FORMS": "2",
            "rows-INITIAL_FORMS": "0",
            "rows-0-what": "Fælles frokostpause",
            "rows-0-who": "Alle læger",
            "rows-0-by_when": "2027-03-01",
            "rows-1-what": "",
            "status": "under_way",
            "shared": "on",
        },
    )
    assert saved.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.shared, plan.rows.get().who) == ("under_way", True, "Alle læger")

    printed = client.get(reverse("cycle:practice_plan_print"))
    body = printed.content.decode()
    assert printed.status_code == 200
    assert "Fælles frokostpause" in body
    assert "1. marts 2027" in body
    assert "cycle/plan.css" in body


def test_an_invalid_link_is_refused(held_order):
    client = Client()
    for token in ("x" * 32, "kort", "a" * 200):
        response = client.get(reverse("cycle:plan_enter", args=[token]))
        assert response.status_code == 404
        assert "Linket virker ikke" in response.content.decode()
    assert client.get(reverse("cycle:practice_plan")).status_code == 404
    assert client.get(reverse("cycle:practice_plan_print")).status_code == 404


def test_sending_again_replaces_the_old_link_even_in_an_open_browser(held_order, smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    plan = partnership_plan(held_order)
    services.send_plan_link(plan, None)
    process_outbox()
    old = links(smtp_server, 2)[0]
    client = Client()
    assert client.get(old).status_code == 302
    assert client.get(reverse("cycle:practice_plan")).status_code == 200

    services.send_plan_link(plan, None)
    process_outbox()
    new = links(smtp_server, 4)[2]

    assert client.get(reverse("cycle:practice_plan")).status_code == 404
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 302
    # A POST from the stale page saves nothing.
    client.post(
        reverse("cycle:practice_plan"), {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-what": "x"}
    )
    assert not plan.rows.exists()
