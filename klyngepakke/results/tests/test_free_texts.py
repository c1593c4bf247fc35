"""`show_free_text` works end to end: a package that enables it shows its free-text
answers (shuffled, under the documented rules) in the JSON, on the results page and in
the spreadsheet; a package that does not shows none."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from klyngepakke.cycle import services as cycle_services
from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.spreadsheet import render_spreadsheet
from klyngepakke.results.selectors import round_results
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.surveys import services
from klyngepakke.surveys.tests.flow import Respondent
from klyngepakke.surveys.tests.test_respondent_pages import DOCUMENT
from klyngepakke.web.tests.test_results_pages import client_for
from tests import factories

pytestmark = pytest.mark.django_db

TEXTS = [f"Forslag nummer {n}" for n in range(5)] + ["=1+1 og en formel, der ikke må regnes"]


def closed_round(show: bool):
    document = {**DOCUMENT, "results": {"min_group_size": 5, "show_free_text": show}}
    package = factories.package(code=f"fritekst-{show}".lower(), document=document)
    cluster = factories.survey_cluster(members=6, solo=0)
    order = cycle_services.new_order(cluster, package, None)
    round_ = services.open_round(order, timezone.now() + timedelta(days=7), None)
    for invitation, text in zip(round_.invitations.order_by("pk"), TEXTS, strict=True):
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all({"mood": "good", "comment": text})
        assert respondent.submit().status_code == 200
    return services.close_round(round_, None), cluster


def test_free_texts_are_published_when_the_package_enables_them():
    round_, cluster = closed_round(True)
    data = results_as_dict(round_results(round_))
    (entry,) = data["group"]["texts"]
    assert entry["code"] == "comment"
    assert sorted(entry["shown_texts"]) == sorted(TEXTS)

    page = client_for(factories.coordinator(cluster)).get(reverse("results:round", args=[cluster.code, round_.pk]))
    html = page.content.decode()
    assert "Fritekstsvar" in html
    assert all(f"<li>{text}</li>" in html for text in TEXTS if "=" not in text)

    workbook = openpyxl.load_workbook(io.BytesIO(render_spreadsheet(meeting_materials(round_.pk)).data))
    sheet = workbook["Fritekst"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    assert sorted(c.value for c in cells[1:]) == sorted(TEXTS)
    assert all(c.data_type == "s" for c in cells)  # "=1+1 ..." stays text, never a formula


def test_no_free_texts_without_the_switch():
    round_, cluster = closed_round(False)
    data = results_as_dict(round_results(round_))
    (entry,) = data["group"]["texts"]
    assert "shown_texts" not in entry
    assert entry["withheld"] == "free_text_off"
    html = client_for(factories.coordinator(cluster)).get(reverse("results:round", args=[cluster.code, round_.pk]))
    assert "Forslag nummer" not in html.content.decode()
    workbook = openpyxl.load_workbook(io.BytesIO(render_spreadsheet(meeting_materials(round_.pk)).data))
    assert "Fritekst" not in workbook.sheetnames
