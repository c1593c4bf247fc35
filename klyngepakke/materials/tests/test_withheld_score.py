"""A shown group whose score is withheld (its bands cannot be masked safely): every
format says so instead of failing or showing a figure."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.exporters import exporters
from klyngepakke.results.tests.test_results_numbers import WHO5, closed_round
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials(db):
    factories.shipped_catalogue()
    # Five at index 100 and one at 0: the lone "high risk" count cannot be hidden safely.
    people = [
        {"practice_type": "partnership", **dict.fromkeys(WHO5, raw), "job_satisfaction": "some"}
        for raw in (5, 5, 5, 5, 5, 0)
    ]
    materials = meeting_materials(closed_round(people).pk)
    score = materials.results["group"]["scores"][0]
    assert score["withheld"] == "cannot_mask"
    return materials


def test_every_format_renders_and_says_why(materials):
    reason = materials.results["group"]["scores"][0]["text"]
    for exporter in exporters():
        rendered = exporter.render(materials)
        assert rendered.data, exporter.code
    deck = next(e for e in exporters() if e.code == "deck").render(materials)
    texts = [
        shape.text_frame.text
        for slide in Presentation(io.BytesIO(deck.data)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert any(reason in text for text in texts)
    book = load_workbook(io.BytesIO(next(e for e in exporters() if e.code == "spreadsheet").render(materials).data))
    cells = [c for row in book["Scorer"].iter_rows() for c in row if c.value == reason]
    assert cells
    assert cells[0].font.italic
