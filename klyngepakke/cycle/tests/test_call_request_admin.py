"""The call requests in the admin: read-only, Danish, local times, filtered by whether
the call was made, and marked as made by an action (never added, changed or deleted)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from klyngepakke.cycle.models import CallRequest, Order
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:cycle_callrequest_changelist"


def call(name: str, **fields) -> CallRequest:
    cluster = factories.cluster(name=name)
    order = Order.objects.create(cluster=cluster, package=factories.package(title="Trivsel"))
    return CallRequest.objects.create(order=order, phone="12345678", preferred_time="mandag efter kl. 16", **fields)


def test_the_list_is_danish_with_local_times(staff_client):
    call("Klynge Vest", requested_at=datetime(2026, 10, 22, 13, 30, tzinfo=UTC))
    page = staff_client.get(reverse(CHANGELIST)).content.decode()
    main = page.split("<main", 1)[-1]
    for header in ("Klynge", "Pakke", "Telefon", "Foretrukket tidspunkt", "Ønsket", "Ringet op"):
        assert header in main
    assert "22. okt. 2026 kl. 15.30" in main
    assert "13:30" not in main
    assert "13.30" not in main
    assert "Requested" not in main
    assert "Handled" not in main
    assert "Venter" in main  # the filter


def test_the_filter_shows_waiting_or_made_calls(staff_client):
    call("Klynge Venter")
    call("Klynge Ringet", handled_at=datetime(2026, 10, 23, 9, 0, tzinfo=UTC))
    waiting = staff_client.get(reverse(CHANGELIST), {"ringet_op": "nej"}).content.decode()
    assert "Klynge Venter" in waiting
    assert "Klynge Ringet" not in waiting
    made = staff_client.get(reverse(CHANGELIST), {"ringet_op": "ja"}).content.decode()
    assert "Klynge Ringet" in made
    assert "Klynge Venter" not in made
    assert "23. okt. 2026 kl. 11.00" in made


def test_the_action_marks_calls_as_made_by_the_staff_member(staff_client):
    first, second = call("Klynge A"), call("Klynge B")
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "mark_handled", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "2 markeret som ringet op." in response.content.decode()
    for c in (first, second):
        c.refresh_from_db()
        assert c.handled_by == staff_client.user
        assert c.handled_at is not None
    again = staff_client.post(
        reverse(CHANGELIST), {"action": "mark_handled", "_selected_action": [first.pk]}, follow=True
    )
    assert "0 markeret som ringet op." in again.content.decode()


def test_no_add_change_or_delete(rf, staff_user, staff_client):
    model_admin = admin.site._registry[CallRequest]
    request = rf.get("/")
    request.user = staff_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert list(model_admin.get_actions(request)) == ["mark_handled"]
    c = call("Klynge Vest")
    page = staff_client.get(reverse("admin:cycle_callrequest_change", args=[c.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="phone"' not in html  # read-only
    assert "Ønsket af" in html
    assert "Ringet op af" in html
