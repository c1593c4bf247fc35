"""A shown group whose score is withheld: every format says why instead of failing or
showing a figure.

Under the disclosure rules a score of a shown group is withheld when its answers are
nearly homogeneous, the score is sensitive, and the group can be named as a set
(`core.disclosure`, rule 4). The follow-up package marks the WHO-5 index as sensitive;
here everyone invited answered (so the group is the member list) and all six are in
one band."""

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

FOLLOW_UP = "opfoelgning-trivsel-og-arbejdsglaede"


@pytest.fixture
def materials(db):
    factories.shipped_catalogue()
    people = [{"practice_type": "partnership", **dict.fromkeys(WHO5, 4)} for _ in range(6)]
    materials = meeting_materials(closed_round(people, package=FOLLOW_UP, members=6).pk)
    assert "withheld" not in materials.results["group"]
    score = next(s for s in materials.results["group"]["scores"] if s["code"] == "who5_index")
    assert score["withheld"] == "homogeneous_sensitive"
    return materials


def test_every_format_renders_and_says_why(materials):
    score = next(s for s in materials.results["group"]["scores"] if s["code"] == "who5_index")
    reason = score["text"]
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
    cells = [c for row in book["Scorer"].iter_rows() for c in row if isinstance(c.value, str) and reason in c.value]
    assert cells
    assert cells[0].font.italic
