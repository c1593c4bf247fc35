"""The consultant's work queue (the staff home): what each section lists, the filters,
links to the cluster and order, a constant number of queries, and that the alphabetical
list is still reachable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle.models import Order
from klyngepakke.materials.models import MaterialFile
from klyngepakke.surveys import services
from klyngepakke.surveys.models import ResponseCountSnapshot, Round
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from tests import factories

pytestmark = pytest.mark.django_db

FIRST = "trivsel-og-arbejdsglaede"


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


def order(state: str, *, region: str = "syddanmark", name: str | None = None, **fields) -> Order:
    cluster = factories.survey_cluster(members=6, region_code=region)
    if name:
        cluster.name = name
        cluster.save(update_fields=["name"])
    return Order.objects.create(cluster=cluster, package=Package.objects.get(code=FIRST), state=state, **fields)


def open_round(days: float, shown: int, *, region: str = "syddanmark", name: str | None = None) -> Round:
    cluster = factories.survey_cluster(members=6, region_code=region)
    if name:
        cluster.name = name
        cluster.save(update_fields=["name"])
    round_ = factories.open_survey_round(cluster, FIRST, days=1)
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() + timedelta(days=days))
    ResponseCountSnapshot.objects.filter(round=round_).update(count=shown)
    return round_


def queue(client, **params) -> str:
    response = client.get(reverse("web:home"), params)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, key: str) -> str:
    start = html.index(f'id="afsnit-{key}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else None]


def test_each_section_lists_what_needs_a_person(catalogue, staff_client):
    today = timezone.localdate()
    new = order(Order.State.ORDERED, name="Klynge Ny")
    order(Order.State.PLANNED, name="Klynge Planlagt")  # planned: not new any more
    low = open_round(2, shown=1, name="Klynge Lav")  # 1 of 6 = 17 %, under k
    open_round(2, shown=5, name="Klynge Fin")  # 83 %: fine
    open_round(10, shown=0, name="Klynge Senere")  # low, but closes later
    ready = open_round(5, shown=6, name="Klynge Klar")
    services.close_round(ready, None)
    Order.objects.filter(pk=ready.order_id).update(meeting_date=today + timedelta(days=4))
    MaterialFile.objects.create(
        round=ready,
        exporter="deck",
        name="deck.pptx",
        content_type="x",
        data=b"x",
        size=1,
        digest="d",
        built_at=timezone.now(),
    )
    order(Order.State.PLANNED, name="Klynge Møde", meeting_date=today + timedelta(days=13))
    order(Order.State.PLANNED, name="Klynge Fjern", meeting_date=today + timedelta(days=20))
    late = order(Order.State.FOLLOW_UP_DUE, name="Klynge Forfalden", follow_up_due_on=today - timedelta(days=3))
    order(Order.State.FOLLOW_UP_DUE, name="Klynge Overskredet", follow_up_due_on=today - timedelta(days=40))
    order(Order.State.MEETING_HELD, name="Klynge Snart", follow_up_due_on=today + timedelta(days=10))
    order(Order.State.MEETING_HELD, name="Klynge Langt", follow_up_due_on=today + timedelta(days=90))
    done = order(Order.State.FOLLOW_UP_DUE, name="Klynge Fulgt", follow_up_due_on=today - timedelta(days=1))
    Order.objects.create(cluster=done.cluster, package=done.package, follows_up=done)

    response = staff_client.get(reverse("web:home"))
    html = response.content.decode()
    assert "<h1>Arbejdsliste</h1>" in html
    new_orders = section(html, "new_orders")
    assert "Klynge Ny" in new_orders
    assert "Klynge Planlagt" not in new_orders
    assert reverse("surveys:order_detail", args=[new.cluster.code, new.pk]) in new_orders
    assert reverse("web:cluster_detail", args=[new.cluster.code]) in new_orders
    rates = section(html, "low_rate")
    assert "Klynge Lav" in rates
    assert "1 af 6 (17 %)" in rates
    assert "Under 5: ingen resultater" in rates
    assert "Klynge Fin" not in rates
    assert "Klynge Senere" not in rates
    assert reverse("surveys:round_detail", args=[low.order.cluster.code, low.pk]) in rates
    meetings = section(html, "meetings")
    assert "Klynge Klar" in meetings
    assert "<strong>Klar</strong>" in meetings
    assert "Klynge Møde" in meetings
    assert "Ikke klar" in meetings
    assert "Klynge Fjern" not in meetings
    follow = section(html, "follow_ups")
    assert "Klynge Forfalden" in follow
    # Overdue as the national overview counts it: more than 30 days past the due date.
    rows = {row.split("</td>")[1]: row for row in follow.split("<tr>")[2:]}
    assert "– forfalden" in next(r for k, r in rows.items() if "Klynge Forfalden" in k)
    assert "overskredet" not in next(r for k, r in rows.items() if "Klynge Forfalden" in k)
    assert "<strong>– overskredet</strong>" in next(r for k, r in rows.items() if "Klynge Overskredet" in k)
    assert reverse("surveys:order_detail", args=[late.cluster.code, late.pk]) in follow
    assert "Klynge Snart" in follow
    assert "Klynge Langt" not in follow
    assert "Klynge Fulgt" not in follow
    assert_accessible_and_csp_clean(response)


def test_a_pack_is_not_ready_while_its_round_is_in_the_reopen_window(catalogue, staff_client):
    round_ = open_round(5, shown=6, name="Klynge Vindue")
    services.close_round(round_, None, reopenable=True)
    Order.objects.filter(pk=round_.order_id).update(meeting_date=timezone.localdate() + timedelta(days=2))
    MaterialFile.objects.create(
        round=round_,
        exporter="deck",
        name="d.pptx",
        content_type="x",
        data=b"x",
        size=1,
        digest="d",
        built_at=timezone.now(),
    )
    assert "<strong>Klar</strong>" not in section(queue(staff_client), "meetings")


def test_filters_by_region_package_and_state(catalogue, staff_client):
    order(Order.State.ORDERED, region="syddanmark", name="Klynge Syd")
    order(Order.State.ORDERED, region="nordjylland", name="Klynge Nord")
    html = queue(staff_client, region="nordjylland")
    assert "Klynge Nord" in html
    assert "Klynge Syd" not in html
    assert '<option value="nordjylland" selected>' in html
    assert "Klynge Syd" in queue(staff_client, package=FIRST)
    assert "Klynge Syd" not in queue(staff_client, package="opfoelgning-trivsel-og-arbejdsglaede")
    assert "Klynge Syd" not in queue(staff_client, state=Order.State.PLANNED)
    assert "Klynge Syd" in queue(staff_client, state=Order.State.ORDERED)
    bad = staff_client.get(reverse("web:home"), {"region": "atlantis"})
    assert bad.status_code == 400
    assert 'class="errorlist' in bad.content.decode()
    assert "atlantis" in bad.content.decode()  # the message names the wrong value


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        queue(client)
    return len(captured.captured_queries)


def test_no_query_per_row(catalogue, staff_client):
    today = timezone.localdate()

    def one_of_each(i: int) -> None:
        order(Order.State.ORDERED)
        open_round(1, shown=0)
        order(Order.State.PLANNED, meeting_date=today + timedelta(days=3))
        order(Order.State.FOLLOW_UP_DUE, follow_up_due_on=today - timedelta(days=i + 1))

    one_of_each(0)
    few = _count_queries(staff_client)
    for i in range(1, 5):
        one_of_each(i)
    assert _count_queries(staff_client) == few


def test_the_alphabetical_list_stays_reachable_and_coordinators_keep_theirs(
    catalogue, staff_client, coordinator_client
):
    cluster = factories.cluster(name="Klynge Alfa")
    html = queue(staff_client)
    assert f'href="{reverse("web:cluster_list")}"' in html
    listing = staff_client.get(reverse("web:cluster_list"))
    assert "<h1>Alle klynger</h1>" in listing.content.decode()
    assert "Klynge Alfa" in listing.content.decode()
    assert_accessible_and_csp_clean(listing)
    mine = coordinator_client(cluster).get(reverse("web:home")).content.decode()
    assert "<h1>Dine klynger</h1>" in mine
    assert "Arbejdsliste" not in mine
