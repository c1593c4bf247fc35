"""The package pages sell the package and order it per coordinated cluster; the order
form shows the dated steps and places the order; the order page shows the plan and
cancels. Refusals come from the service and are shown, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login
from klyngepakke.cycle import ordering
from klyngepakke.cycle.models import CallRequest, Order
from klyngepakke.registry.models import ClusterAssignment
from klyngepakke.surveys import scheduled
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from tests import factories

pytestmark = pytest.mark.django_db

FIRST = "trivsel-og-arbejdsglaede"
FOLLOW_UP = "opfoelgning-trivsel-og-arbejdsglaede"


@pytest.fixture
def cluster(db):
    factories.shipped_catalogue()
    return factories.survey_cluster(members=4, solo=1)


@pytest.fixture
def coord(cluster) -> Client:
    client = Client()
    client.user = factories.coordinator(cluster)
    login(client, client.user)
    return client


def html(response) -> str:
    return response.content.decode()


def test_the_package_list_offers_first_packages_and_follow_ups_after_them(coord, cluster):
    page = html(coord.get(reverse("web:package_list")))
    first = page.index("Trivsel og arbejdsglæde")
    after = page.index("Efter en første pakke")
    assert page.index("Samarbejde og fællesskab") < after
    assert page.index("Opfølgning på trivsel og arbejdsglæde") > after > first
    assert "Bestilles efter en første pakke (Trivsel og arbejdsglæde)" in page
    assert reverse("web:place_order", args=[cluster.code, FIRST]) in page
    # No follow-up to order before the first package's meeting.
    assert reverse("web:place_order", args=[cluster.code, FOLLOW_UP]) not in page
    assert "Kan bestilles, når klyngen har holdt mødet for den første pakke." in page


def test_the_package_page_sells_without_internal_ids_or_region_codes(coord, cluster):
    response = coord.get(reverse("web:package_detail", args=[FIRST]))
    page = html(response)
    for text in (
        "Hvem er pakken til?",
        "Alle klyngens praktiserende læger",
        "Det får klyngen",
        "En powerpoint til mødet",
        "Eksempler på spørgsmål",
        "I de sidste 2 uger har jeg været glad og i godt humør",
        "Mødet varer 2½ timer",
        f'Bestil<span class="visually-hidden"> Trivsel og arbejdsglæde</span> til {cluster.name}',
    ):
        assert text in page, text
    assert "intern nr." not in page
    assert "syddanmark" not in page
    assert "hovedstaden" not in page
    assert_accessible_and_csp_clean(response)


def test_the_order_form_shows_dated_steps_and_places_the_order(coord, cluster):
    url = reverse("web:place_order", args=[cluster.code, FIRST])
    form = coord.get(url)
    assert form.status_code == 200
    assert "Det sker, når du har bestilt" in html(form)
    assert_accessible_and_csp_clean(form)
    meeting = timezone.localdate() + timedelta(days=40)
    fields = {"meeting_date": meeting.isoformat(), "starts_at": "15:30", "place": "Lægehuset"}
    preview = coord.post(url, {**fields, "action": "preview"})
    assert preview.status_code == 200
    assert not Order.objects.exists()
    opens = meeting - timedelta(weeks=4)
    assert f"{opens.day}. " in html(preview)
    assert "Spørgeskemaet åbner af sig selv" in html(preview)
    assert_accessible_and_csp_clean(preview)

    done = coord.post(
        url, {**fields, "action": "order", "call": "on", "phone": "12345678", "preferred_time": "mandag morgen"}
    )
    order = Order.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("surveys:order_detail", args=[cluster.code, order.pk])
    assert (order.state, order.survey_opens_on) == (Order.State.PLANNED, opens)
    assert CallRequest.objects.get().preferred_time == "mandag morgen"
    shown = coord.get(done["Location"])
    page = html(shown)
    assert "Det sker nu" in page
    assert "Annullér bestillingen" in page
    assert "Du har bedt om at blive ringet op" in page
    assert_accessible_and_csp_clean(shown)


def test_a_refused_order_is_shown_in_danish_with_400(coord, cluster):
    url = reverse("web:place_order", args=[cluster.code, FIRST])
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = coord.post(url, {"meeting_date": past, "action": "order"})
    assert response.status_code == 400
    assert "Mødedatoen ligger i fortiden" in html(response)
    assert not Order.objects.exists()
    assert_accessible_and_csp_clean(response)


def test_an_unknown_package_is_404_and_a_facilitator_may_not_order(coord, cluster):
    assert coord.get(reverse("web:place_order", args=[cluster.code, "findes-ikke"])).status_code == 404
    facilitator = factories.user()
    ClusterAssignment.objects.create(user=facilitator, cluster=cluster, role=ClusterAssignment.Role.FACILITATOR)
    client = Client()
    login(client, facilitator)
    assert client.get(reverse("web:place_order", args=[cluster.code, FIRST])).status_code == 403
    assert reverse("web:place_order", args=[cluster.code, FIRST]) not in html(client.get(reverse("web:package_list")))


def test_cancel_from_the_order_page_and_refusal_after_opening(coord, cluster):
    order = ordering.place_order(
        cluster, order_package(), ordering.OrderInput(meeting_date=timezone.localdate() + timedelta(days=20)), None
    )
    url = reverse("web:cancel_order", args=[cluster.code, order.pk])
    response = coord.post(url, {"reason": ""}, follow=True)
    assert "Skriv, hvorfor bestillingen annulleres" in html(response)
    scheduled.open_due_rounds()
    response = coord.post(url, {"reason": "For sent"}, follow=True)
    assert "kan ikke annulleres, når spørgeskemaet er åbnet" in html(response)
    order.refresh_from_db()
    assert order.state == Order.State.SURVEY_OPEN
    # The round is named for people on the order page, never by its id.
    page = html(coord.get(reverse("surveys:order_detail", args=[cluster.code, order.pk])))
    assert "1. måling" in page
    assert f"Runde {order.rounds.get().pk}" not in page


def test_a_cancelled_order_page_says_so_and_no_longer_shows_the_plan(coord, cluster):
    meeting = timezone.localdate() + timedelta(days=60)
    order = ordering.place_order(cluster, order_package(), ordering.OrderInput(meeting_date=meeting), None)
    before = html(coord.get(reverse("surveys:order_detail", args=[cluster.code, order.pk])))
    assert "Spørgeskemaet åbner af sig selv" in before

    response = coord.post(reverse("web:cancel_order", args=[cluster.code, order.pk]), {"reason": "Mødet er aflyst"})
    assert response.status_code == 302

    page = html(coord.get(reverse("surveys:order_detail", args=[cluster.code, order.pk])))
    assert "Bestillingen blev annulleret" in page
    assert "Begrundelse: Mødet er aflyst" in page
    # Nothing above the history reads as if it will still happen.
    current = page.split("<h2>Historik</h2>")[0]
    assert "Spørgeskemaet åbner" not in current
    assert "Annullér bestillingen" not in current
    assert reverse("web:place_order", args=[cluster.code, order.package.code]) in page


def order_package():
    from klyngepakke.catalogue.models import Package

    return Package.objects.get(code=FIRST)
