"""The coordinators' "Ring mig op" in the consultant's work queue and on the order page:
listed with what the consultant needs to call, filtered like the other sections, marked as
made (and undone) by staff only, with a constant number of queries; the coordinator sees
whether the call is still to come, was made, or lapsed with a cancelled order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import ordering
from klyngepakke.cycle.models import CallRequest, Order
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from tests import factories

pytestmark = pytest.mark.django_db

FIRST = "trivsel-og-arbejdsglaede"


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


def ask(name: str, *, region: str = "syddanmark", state: str = Order.State.ORDERED, **fields) -> CallRequest:
    cluster = factories.survey_cluster(members=3, region_code=region)
    cluster.name = name
    cluster.save(update_fields=["name"])
    coordinator = factories.coordinator(cluster)
    coordinator.first_name, coordinator.last_name = "Karen", f"Koordinator {name}"
    coordinator.save()
    order = Order.objects.create(cluster=cluster, package=Package.objects.get(code=FIRST), state=state)
    return CallRequest.objects.create(
        order=order, requested_by=coordinator, phone="+45 12 34 56 78", preferred_time="tirsdag formiddag", **fields
    )


def calls_section(client, **params) -> str:
    response = client.get(reverse("web:home"), params)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="afsnit-calls"')
    return html[start : html.find("<section", start)]


def order_page(client, call: CallRequest):
    return client.get(reverse("surveys:order_detail", args=[call.order.cluster.code, call.order_id]))


def test_open_calls_are_listed_with_what_the_consultant_needs(catalogue, staff_client):
    call = ask("Klynge Ring", requested_at=datetime(2026, 10, 22, 13, 30, tzinfo=UTC))
    handled = ask("Klynge Ringet", handled_at=datetime(2026, 10, 23, 9, 0, tzinfo=UTC))
    cancelled = ask("Klynge Aflyst", state=Order.State.CANCELLED)
    html = calls_section(staff_client)
    assert "Klynge Ring" in html
    assert "Karen Koordinator Klynge Ring" in html
    assert "+45 12 34 56 78" in html
    assert "tirsdag formiddag" in html
    assert "22. okt. 2026 kl. 15.30" in html  # Copenhagen time, not UTC
    assert reverse("web:call_handled", args=[call.pk]) in html
    assert reverse("surveys:order_detail", args=[call.order.cluster.code, call.order_id]) in html
    assert handled.order.cluster.name not in html
    assert cancelled.order.cluster.name not in html
    assert "(1)" in html


def test_the_section_comes_right_after_new_orders_and_is_accessible(catalogue, staff_client):
    ask("Klynge Ring")
    response = staff_client.get(reverse("web:home"))
    html = response.content.decode()
    assert html.index('id="afsnit-new_orders"') < html.index('id="afsnit-calls"') < html.index('id="afsnit-low_rate"')
    assert_accessible_and_csp_clean(response)
    assert "Ingen venter på en opringning." in calls_section(staff_client, region="nordjylland")


def test_filters_by_region_package_and_state(catalogue, staff_client):
    ask("Klynge Syd", region="syddanmark")
    ask("Klynge Nord", region="nordjylland", state=Order.State.PLANNED)
    by_region = calls_section(staff_client, region="nordjylland")
    assert "Klynge Nord" in by_region
    assert "Klynge Syd" not in by_region
    by_state = calls_section(staff_client, state=Order.State.ORDERED)
    assert "Klynge Syd" in by_state
    assert "Klynge Nord" not in by_state
    other_package = Package.objects.exclude(code=FIRST).first()
    assert "Ingen venter" in calls_section(staff_client, package=other_package.code)
    assert "Klynge Syd" in calls_section(staff_client, package=FIRST)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        calls_section(client)
    return len(captured.captured_queries)


def test_no_query_per_call(catalogue, staff_client):
    ask("Klynge 0")
    few = _queries(staff_client)
    for i in range(1, 5):
        ask(f"Klynge {i}")
    assert _queries(staff_client) == few


def test_marking_takes_it_off_the_queue_and_records_who(catalogue, staff_client):
    call = ask("Klynge Ring")
    home = reverse("web:home") + "?region=syddanmark"
    response = staff_client.post(reverse("web:call_handled", args=[call.pk]), {"next": home})
    assert response.status_code == 302
    assert response["Location"] == home  # back to the filtered queue
    call.refresh_from_db()
    assert call.handled_by == staff_client.user
    assert call.handled_at is not None
    assert "Klynge Ring" not in calls_section(staff_client)
    again = staff_client.post(reverse("web:call_handled", args=[call.pk]), follow=True)
    assert "var allerede markeret som ringet op" in again.content.decode()
    call.refresh_from_db()
    assert call.handled_by == staff_client.user


def test_a_foreign_next_address_is_ignored(catalogue, staff_client):
    call = ask("Klynge Ring")
    response = staff_client.post(reverse("web:call_handled", args=[call.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("surveys:order_detail", args=[call.order.cluster.code, call.order_id])


def test_staff_see_the_call_on_the_order_page_and_can_undo_a_mistake(catalogue, staff_client):
    call = ask("Klynge Ring")
    page = order_page(staff_client, call)
    html = page.content.decode()
    assert "Karen Koordinator Klynge Ring bad" in html
    assert reverse("web:call_handled", args=[call.pk]) in html
    assert_accessible_and_csp_clean(page)
    staff_client.post(reverse("web:call_handled", args=[call.pk]))
    html = order_page(staff_client, call).content.decode()
    assert "Ringet op " in html
    assert reverse("web:call_undo", args=[call.pk]) in html
    undone = staff_client.post(reverse("web:call_undo", args=[call.pk]), follow=True)
    assert "står igen på arbejdslisten" in undone.content.decode()
    call.refresh_from_db()
    assert call.handled_at is None
    assert call.handled_by is None
    assert "Klynge Ring" in calls_section(staff_client)


def test_undo_is_refused_when_not_marked_or_the_order_is_cancelled(catalogue, staff_client):
    call = ask("Klynge Ring")
    refused = staff_client.post(reverse("web:call_undo", args=[call.pk]), follow=True)
    assert "kan ikke fortrydes" in refused.content.decode()
    ordering.mark_call_handled(call, staff_client.user)
    Order.objects.filter(pk=call.order_id).update(state=Order.State.CANCELLED)
    assert ordering.undo_call_handled(call) is False
    call.refresh_from_db()
    assert call.handled_at is not None


def test_coordinators_cannot_mark_or_undo(catalogue, coordinator_client):
    call = ask("Klynge Ring")
    client = coordinator_client(call.order.cluster)
    assert client.post(reverse("web:call_handled", args=[call.pk])).status_code == 403
    assert client.post(reverse("web:call_undo", args=[call.pk])).status_code == 403
    call.refresh_from_db()
    assert call.handled_at is None


def test_the_coordinator_sees_the_call_asked_made_or_lapsed(catalogue, coordinator_client, staff_client):
    call = ask("Klynge Ring")
    client = coordinator_client(call.order.cluster)
    page = order_page(client, call)
    html = page.content.decode()
    assert "Du har bedt om at blive ringet op: tirsdag formiddag, på +45 12 34 56 78." in html
    assert reverse("web:call_handled", args=[call.pk]) not in html
    assert_accessible_and_csp_clean(page)
    ordering.mark_call_handled(call, staff_client.user)
    assert "En konsulent har ringet dig op" in order_page(client, call).content.decode()

    lapsed = ask("Klynge Aflyst")
    ordering.cancel_order(lapsed.order, "Mødet er aflyst", lapsed.requested_by)
    client = coordinator_client(lapsed.order.cluster)
    page = order_page(client, lapsed)
    html = page.content.decode()
    assert "Annulleret" in html
    assert "Det bortfaldt, da bestillingen blev annulleret." in html
    assert_accessible_and_csp_clean(page)
    staff_html = order_page(staff_client, lapsed).content.decode()
    assert "Bortfaldet: bestillingen er annulleret." in staff_html
    assert reverse("web:call_handled", args=[lapsed.pk]) not in staff_html
