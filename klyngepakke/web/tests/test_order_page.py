"""The order page's "Efter mødet": it offers only what the services allow, and the
cycle's pages do the steps (the order page no longer records a meeting by itself)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login
from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services
from klyngepakke.cycle.models import MeetingRecord, Order
from klyngepakke.cycle.tests.conftest import decisions
from klyngepakke.registry.models import ClusterAssignment
from tests import factories

pytestmark = pytest.mark.django_db


def coordinator(order) -> Client:
    client = Client()
    login(client, factories.coordinator(order.cluster))
    return client


def facilitator(order) -> Client:
    user = factories.user()
    ClusterAssignment.objects.create(user=user, cluster=order.cluster, role=ClusterAssignment.Role.FACILITATOR)
    client = Client()
    login(client, user)
    return client


def page(client, order) -> str:
    response = client.get(reverse("surveys:order_detail", args=[order.cluster.code, order.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_before_the_meeting_date_recording_is_not_offered_nor_possible(closed_order):
    services.plan_meeting(
        closed_order,
        meeting_date=timezone.localdate() + timedelta(days=6),
        place="",
        minutes=150,
        program_notes="",
        by=None,
    )
    client = coordinator(closed_order)
    body = page(client, closed_order)
    assert "Efter mødet" in body
    assert "kan først registreres som holdt fra den dag" in body
    assert reverse("cycle:meeting", args=[closed_order.cluster.code, closed_order.pk]) not in body

    # The old hand-made POST of the order page no longer records a meeting.
    response = client.post(
        reverse("surveys:order_detail", args=[closed_order.cluster.code, closed_order.pk]),
        {"action": "held", "follow_up_due_on": ""},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("cycle:meeting", args=[closed_order.cluster.code, closed_order.pk]),
        {"held_on": timezone.localdate().isoformat(), "minutes": "150", "format": "physical", "attendees": "5"},
    )
    assert response.status_code == 400
    assert "kan først registreres som holdt fra den dag" in response.content.decode()
    closed_order.refresh_from_db()
    assert closed_order.state == Order.State.SURVEY_CLOSED
    assert not MeetingRecord.objects.exists()


def test_a_facilitator_records_the_meeting_and_the_decisions(closed_order):
    client = facilitator(closed_order)
    code = closed_order.cluster.code
    response = client.post(
        reverse("cycle:meeting", args=[code, closed_order.pk]),
        {
            "held_on": (timezone.localdate() - timedelta(days=7)).isoformat(),
            "minutes": "180",
            "format": "virtual",
            "attendees": "5",
            "notes": "Godt møde",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle:decisions", args=[code, closed_order.pk])

    follow_up_on = timezone.localdate() + timedelta(days=200)
    response = client.post(
        reverse("cycle:decisions", args=[code, closed_order.pk]),
        {
            "mp_who5_index": "on",
            "hope_who5_index": "Færre under 50",
            "focus_areas": "Fælles frokost\n\nSupervision",
            "follow_up_package": "opfoelgning-trivsel-og-arbejdsglaede",
            "follow_up_on": follow_up_on.isoformat(),
            "topic_meetings": "",
        },
    )
    assert response.status_code == 302
    # The order page is the coordinator's (a facilitator reaches the cycle's pages only).
    body = page(coordinator(closed_order), closed_order)
    assert "Målepunkt: WHO-5 trivselsindeks - Færre under 50" in body
    assert "Fokusområde: Supervision" in body
    # Ordering the follow-up is the coordinator's.
    follow_up = reverse("web:place_order", args=[code, "opfoelgning-trivsel-og-arbejdsglaede"])
    assert client.get(follow_up, {"efter": closed_order.pk}).status_code == 403


def test_a_refused_decision_says_why_and_changes_nothing(held_order):
    client = coordinator(held_order)
    response = client.post(
        reverse("cycle:decisions", args=[held_order.cluster.code, held_order.pk]),
        {
            "follow_up_package": "opfoelgning-trivsel-og-arbejdsglaede",
            "follow_up_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "6-12 måneder efter mødet" in response.content.decode()
    held_order.refresh_from_db()
    assert held_order.follow_up_due_on is None


def test_bestil_opfoelgning_is_offered_when_allowed_and_orders_it_with_a_schedule(held_order):
    from klyngepakke.cycle import services

    client = coordinator(held_order)
    code = held_order.cluster.code
    form = reverse("web:place_order", args=[code, "opfoelgning-trivsel-og-arbejdsglaede"])
    link = f"{form}?efter={held_order.pk}"
    assert link not in page(client, held_order)
    services.save_decisions(held_order, decisions(held_order), None)
    body = page(client, held_order)
    # One button: the decided follow-up, not also the package notice at the top.
    assert body.count("Bestil opfølgning") == 1
    assert link in body

    form_page = client.get(link).content.decode()
    assert f'name="efter" value="{held_order.pk}"' in form_page
    meeting = timezone.localdate() + timedelta(days=200)
    response = client.post(form, {"efter": held_order.pk, "meeting_date": meeting.isoformat(), "action": "order"})

    new = Order.objects.get(follows_up=held_order)
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:order_detail", args=[code, new.pk])
    # The follow-up has its meeting and its survey dates, like any order from the form.
    assert new.meeting_date == meeting
    assert new.survey_opens_on is not None
    assert new.survey_closes_on < meeting
    assert link not in page(client, held_order)
    again = client.post(form, {"efter": held_order.pk, "meeting_date": meeting.isoformat(), "action": "order"})
    assert again.status_code == 400  # refused with the reason, nothing new
    assert "allerede" in again.content.decode()
    assert Order.objects.filter(follows_up=held_order).count() == 1


def test_a_follow_up_of_another_clusters_order_or_a_bad_id_is_not_found(held_order):
    other_cluster_order = services.new_order(factories.cluster(), held_order.package, None)
    client = coordinator(held_order)
    form = reverse("web:place_order", args=[held_order.cluster.code, "opfoelgning-trivsel-og-arbejdsglaede"])
    assert client.get(form, {"efter": other_cluster_order.pk}).status_code == 404
    assert client.get(form, {"efter": "x1"}).status_code == 404


def test_bestil_pakke_links_the_follow_up_package(held_order):
    client = coordinator(held_order)
    meeting = timezone.localdate() + timedelta(days=40)
    response = client.post(
        reverse("web:place_order", args=[held_order.cluster.code, "opfoelgning-trivsel-og-arbejdsglaede"]),
        {"meeting_date": meeting.isoformat(), "action": "order"},
    )
    assert response.status_code == 302
    new = Order.objects.get(package=Package.objects.get(code="opfoelgning-trivsel-og-arbejdsglaede"))
    assert new.follows_up == held_order
