"""A facilitator records the meeting and the decisions, but may not open the order page:
the cluster page links the meeting, decisions and plans pages for them, and those pages
lead back (and redirect after saving) to the cluster page, never to a 403."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from klyngepakke.cycle.models import MeetingRecord
from klyngepakke.registry.models import ClusterAssignment
from klyngepakke.web.tests.test_results_pages import client_for
from tests import factories

pytestmark = pytest.mark.django_db


def facilitator_of(cluster):
    user = factories.user()
    ClusterAssignment.objects.create(user=user, cluster=cluster, role=ClusterAssignment.Role.FACILITATOR)
    return client_for(user)


def test_the_cluster_page_leads_a_facilitator_to_the_meeting(closed_order):
    code, pk = closed_order.cluster.code, closed_order.pk
    client = facilitator_of(closed_order.cluster)
    html = client.get(reverse("web:cluster_detail", args=[code])).content.decode()
    for name in ("cycle:meeting", "cycle:decisions", "cycle:plans"):
        assert f'href="{reverse(name, args=[code, pk])}"' in html
    order_link = f'href="{reverse("surveys:order_detail", args=[code, pk])}"'
    assert order_link not in html

    page = client.get(reverse("cycle:meeting", args=[code, pk]))
    assert page.status_code == 200
    assert order_link not in page.content.decode()
    assert f'href="{reverse("web:cluster_detail", args=[code])}"' in page.content.decode()

    held_on = (timezone.localdate() - timedelta(days=7)).isoformat()
    form = {"held_on": held_on, "minutes": "180", "format": "physical", "attendees": "5", "notes": ""}
    client.post(reverse("cycle:meeting", args=[code, pk]), form)
    assert MeetingRecord.objects.filter(order=closed_order).exists()
    corrected = client.post(reverse("cycle:meeting", args=[code, pk]), {**form, "attendees": "6"})
    assert corrected.status_code == 302
    assert corrected["Location"] == reverse("web:cluster_detail", args=[code])


def test_a_coordinator_still_goes_back_to_the_order(closed_order):
    code, pk = closed_order.cluster.code, closed_order.pk
    client = client_for(factories.coordinator(closed_order.cluster))
    page = client.get(reverse("cycle:meeting", args=[code, pk])).content.decode()
    assert f'href="{reverse("surveys:order_detail", args=[code, pk])}"' in page
    html = client.get(reverse("web:cluster_detail", args=[code])).content.decode()
    assert f'href="{reverse("cycle:meeting", args=[code, pk])}"' not in html  # the order page has them
