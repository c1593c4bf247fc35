"""A follow-up round where nobody wrote what their practice changed: the free-text
question says so on the page, in the spreadsheet and on the deck (the deck used to fail
with a KeyError, so the follow-up deck could not be downloaded)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from pptx import Presentation

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.spreadsheet import render_spreadsheet
from klyngepakke.results.serialize import NO_TEXTS
from klyngepakke.results.tests.meeting_follow_up_support import whole_cycle
from klyngepakke.web.tests.test_results_pages import client_for
from tests import factories

from .deck_support import slide_text

pytestmark = pytest.mark.django_db


def test_no_written_changes_read_as_such_everywhere():
    cycle = whole_cycle(texts=[""] * 6)
    round_ = cycle.follow_up
    materials = meeting_materials(round_.pk)
    section = materials.meeting_follow_up
    (entry,) = [t for t in section["change_answers"]["texts"] if t["code"] == "practice_changes"]
    assert entry["shown_texts"] == []
    assert entry["reason"] == NO_TEXTS

    client = client_for(factories.coordinator(round_.order.cluster))
    page = client.get(reverse("results:round", args=[round_.order.cluster.code, round_.pk]))
    assert page.status_code == 200
    assert NO_TEXTS in page.content.decode()

    deck = client.get(reverse("materials:download", args=[round_.order.cluster.code, round_.pk, "deck"]))
    assert deck.status_code == 200
    assert any(NO_TEXTS in slide_text(slide) for slide in Presentation(io.BytesIO(deck.content)).slides)

    workbook = openpyxl.load_workbook(io.BytesIO(render_spreadsheet(materials).data))
    cells = [c.value for sheet in workbook for row in sheet.iter_rows() for c in row if c.value]
    assert NO_TEXTS in cells
