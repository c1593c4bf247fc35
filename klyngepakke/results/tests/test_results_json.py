"""The results as JSON (staff only): the same disclosure and the same numbers as the page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from klyngepakke.web.tests.test_results_pages import answered_round, client_for, page_url, tables
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster10(db):
    factories.shipped_catalogue()
    return factories.survey_cluster(members=10, solo=5)


def test_the_json_has_the_pages_numbers(cluster10, staff_client):
    round_ = answered_round(cluster10, 10)
    response = staff_client.get(reverse("results:round_json", args=[round_.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["round"] == round_.pk
    assert data["cluster"] == cluster10.code
    assert data["package"] == "trivsel-og-arbejdsglaede"
    assert data["invited"] == 10
    assert data["threshold"] == 5
    assert data["group"]["respondents"] == 10

    page = staff_client.get(page_url(round_))
    found = tables(page)
    compared = 0
    for item in data["group"]["items"]:
        if item["type"] != "choice" or "options" not in item:
            continue
        caption = next(c for c in found if c.startswith("Svarfordeling: ") and item["code"] in _codes_for(c, data))
        rows = {row[0]: row[1:] for row in found[caption][1:]}
        for option in item["options"]:
            count, share = rows[option["label"]]
            assert count == str(option["count"])
            expected = "\u2013" if option["percent"] is None else f"{option['percent']} %"
            assert share == expected
        compared += 1
    assert compared >= 6  # practice type, five WHO-5 items, job satisfaction

    who5 = next(s for s in data["group"]["scores"] if s["code"] == "who5_index")
    assert who5["estimate"]["mean"] == 70.0
    assert "Gennemsnit <strong>70,0</strong>" in page.content.decode()


def _codes_for(caption: str, data: dict) -> set[str]:
    """Answer codes whose question or item text the caption names."""
    text = caption.removeprefix("Svarfordeling: ")
    headings = {item["code"]: item["text"] for item in data["group"]["items"]}
    return {code for code, heading in headings.items() if heading == text}


def test_a_small_round_is_withheld_in_the_json_too(cluster10, staff_client):
    round_ = answered_round(cluster10, 4)
    data = staff_client.get(reverse("results:round_json", args=[round_.pk])).json()
    assert data["group"] == {"withheld": "group_too_small", "text": "Vises ikke: for få besvarelser i gruppen."}
    assert "respondents" not in json.dumps(data["group"])


def test_only_staff_get_the_json(cluster10, staff_client):
    round_ = answered_round(cluster10, 5)
    url = reverse("results:round_json", args=[round_.pk])
    assert client_for(factories.coordinator(cluster10)).get(url).status_code == 403
    assert staff_client.get(reverse("results:round_json", args=[999999])).status_code == 404
