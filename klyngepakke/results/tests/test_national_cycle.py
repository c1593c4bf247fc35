"""The national overview's cycle section: "n af m klynger har holdt mødet", each cluster's
stage, due/overdue follow-ups and plan counts per region, filtered by region; no plan
text and no internal id on the page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services
from klyngepakke.cycle.models import MeetingRecord, PracticePlan
from klyngepakke.surveys import services as order_services
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from klyngepakke.web.tests.test_results_pages import tables
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(db):
    factories.shipped_catalogue()
    south = factories.survey_cluster(members=4, solo=0)
    capital = factories.survey_cluster(members=4, solo=0, region_code="hovedstaden")
    idle = factories.survey_cluster(members=2, solo=0, region_code="hovedstaden")
    round_ = factories.open_survey_round(south)
    order_services.close_round(round_, None)
    order = round_.order
    day = timezone.localdate() - timedelta(days=3)
    services.plan_meeting(order, meeting_date=day, place="", minutes=150, program_notes="", by=None)
    services.record_meeting(
        order,
        services.MeetingFacts(held_on=day, minutes=180, format=MeetingRecord.Format.PHYSICAL, attendees=4, notes=""),
        None,
    )
    plan = PracticePlan.objects.filter(order=order).first()
    rows = [services.PlanRowInput(what="Hemmelig plan om fælles frokost")]
    services.save_plan(plan, rows, "under_way", False, None, as_practice=True)
    factories.open_survey_round(capital)
    services.new_order(idle, Package.objects.get(code="samarbejde-og-faellesskab"), None)
    return {"south": south, "capital": capital, "idle": idle, "order": order}


def test_the_cycle_section_counts_and_lists_every_cluster(country, staff_client):
    response = staff_client.get(reverse("results:national"))

    assert response.status_code == 200
    assert_accessible_and_csp_clean(response)
    html = response.content.decode()
    assert "1 af 3 klynger har holdt mødet." in html
    assert "Praksisplaner: 1 lavet, 0 opdateret, 0 gennemført." in html
    assert "Hemmelig" not in html
    found = tables(response)
    per_region = {row[0]: row[1:] for row in found["Klynger i hvert trin af forløbet, pr. region"][1:]}
    header = found["Klynger i hvert trin af forløbet, pr. region"][0]
    assert header[-1] == "Hele landet"
    assert per_region["Har holdt mødet"][-1] == "1 af 3"
    assert per_region["Spørgeskema åbent"][-1] == "1"
    stages = {row[0]: row[2] for row in found["Hver klynges sted i forløbet"][1:]}
    assert stages == {
        country["south"].name: "Planer lavet",
        country["capital"].name: "Spørgeskema åbent",
        country["idle"].name: "Bestilt",
    }
    # No order's id is shown: the only links are to the clusters' pages by code.
    assert f"/{country['order'].pk}/" not in html


def test_the_region_filter(country, staff_client):
    response = staff_client.get(reverse("results:national"), {"region": "hovedstaden"})

    assert response.status_code == 200
    listed = tables(response)["Hver klynges sted i forløbet"]
    assert sorted(row[0] for row in listed[1:]) == sorted([country["capital"].name, country["idle"].name])
    assert re.search(r'<option value="hovedstaden" selected>', response.content.decode())
    # The counts stay national.
    assert "1 af 3 klynger har holdt mødet." in response.content.decode()


def test_an_unknown_region_is_404(country, staff_client):
    assert staff_client.get(reverse("results:national"), {"region": "atlantis"}).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(country, staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        staff_client.get(reverse("results:national"))
    for _ in range(3):
        factories.open_survey_round(factories.survey_cluster(members=2, solo=0))
    with CaptureQueriesContext(connection) as before:
        staff_client.get(reverse("results:national"))
    for _ in range(3):
        factories.open_survey_round(factories.survey_cluster(members=2, solo=0, region_code="hovedstaden"))
    with CaptureQueriesContext(connection) as after:
        staff_client.get(reverse("results:national"))
    assert len(after.captured_queries) == len(before.captured_queries)
