"""The operator's national overview: uptake per package and region, response rates, orders by state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.surveys import services
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from klyngepakke.web.tests.test_results_pages import client_for, tables
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_country(db):
    """Three clusters (two in Syddanmark, one in Hovedstaden); the package used in two."""
    south_a = factories.survey_cluster(members=4, solo=0)
    south_b = factories.survey_cluster(members=2, solo=0)
    capital = factories.survey_cluster(members=2, solo=0, region_code="hovedstaden")
    package = factories.package(title="Trivselspakken")
    unused = factories.package(title="Ubrugt pakke")
    closes_at = timezone.now() + timedelta(days=14)
    closed = services.open_round(cycle_services.new_order(south_a, package, None), closes_at, None)
    closed.invitations.filter(pk__in=list(closed.invitations.values_list("pk", flat=True)[:3])).update(answered=True)
    services.close_round(closed, None)
    services.open_round(cycle_services.new_order(capital, package, None), closes_at, None)
    # Ordered but no round yet: does not count as used.
    waiting = cycle_services.new_order(south_b, package, None)
    Order.objects.filter(pk=waiting.pk).update(state=Order.State.FOLLOW_UP_DUE, follow_up_due_on=timezone.localdate())
    return {"package": package, "unused": unused, "south_b": south_b}


def test_uptake_response_rate_and_states(small_country, staff_client):
    response = staff_client.get(reverse("results:national"))
    assert response.status_code == 200
    assert_accessible_and_csp_clean(response)
    html = response.content.decode()
    assert "<strong>2 af 3 klynger</strong> har brugt pakken." in html
    assert "<strong>0 af 3 klynger</strong> har brugt pakken." in html
    # Only the closed round counts: 3 of its 4 invited answered.
    assert "<strong>75 %</strong> (3 af 4 inviterede)" in html
    found = tables(response)
    regions = {row[0]: row[1] for row in found["Trivselspakken: klynger, der har brugt pakken, pr. region"][1:]}
    assert regions["Region Syddanmark"] == "1 af 2"
    assert regions["Region Hovedstaden"] == "1 af 1"
    states = {row[0]: row[1] for row in found["Antal bestillinger i hver status"][1:]}
    assert sum(int(n) for n in states.values()) == 3
    due = found["Klynger, hvor opfølgningen forfalder"]
    assert [row[0] for row in due[1:]] == [small_country["south_b"].name]


def test_only_staff_see_the_overview_and_its_menu_link(small_country, staff_client):
    coordinator = client_for(factories.coordinator(small_country["south_b"]))
    assert coordinator.get(reverse("results:national")).status_code == 403
    link = f'href="{reverse("results:national")}"'
    assert link not in coordinator.get(reverse("web:home")).content.decode()
    assert link in staff_client.get(reverse("web:home")).content.decode()
