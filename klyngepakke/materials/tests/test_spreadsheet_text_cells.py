"""Text in the results spreadsheet, and in the workbooks inside the deck's charts, stays
text: a registry name or package text starting with = + - or @ is never written as a
live formula (e.g. a HYPERLINK to a stranger's site)."""

from __future__ import annotations

import dataclasses
import io

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.exporters import exporter

from .base import meeting_country

pytestmark = pytest.mark.django_db

EVIL_NAME = '=HYPERLINK("http://evil.example","x")'
PACKAGE_TEXTS = {
    "title": '@SUM(1+1)*cmd|" /C calc"!A0',
    "item": "+1+1 hvordan har du det?",
    "option": "-2+3 aldrig",
}


def test_cluster_names_and_package_texts_are_written_as_text_not_formulas():
    country = meeting_country()
    cluster = country.cluster
    cluster.name = EVIL_NAME
    cluster.save(update_fields=["name"])
    materials = meeting_materials(country.first_round.pk)
    # The package's own texts as the pinned version hands them to the exporters.
    item = next(i for i in materials.results["group"]["items"] if "options" in i)
    item["text"] = PACKAGE_TEXTS["item"]
    item["options"][0]["label"] = PACKAGE_TEXTS["option"]
    materials = dataclasses.replace(materials, package_title=PACKAGE_TEXTS["title"])

    book = load_workbook(io.BytesIO(exporter("spreadsheet").render(materials).data))

    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert f"{EVIL_NAME} ({cluster.code})" in texts
    assert set(PACKAGE_TEXTS.values()) <= texts


def test_the_workbooks_inside_the_deck_charts_hold_package_texts_as_text_not_formulas():
    """Each chart in the deck carries its data as an embedded workbook (PowerPoint's
    "Rediger data" opens it in Excel); its categories are the package's option labels and
    item texts. xlsxwriter writes a string starting with = as a formula unless told not to."""
    country = meeting_country()
    materials = meeting_materials(country.first_round.pk)
    charted = [i for i in materials.results["group"]["items"] if i.get("options")]
    for item in charted:
        item["text"] = PACKAGE_TEXTS["item"]
        item["options"][0]["label"] = EVIL_NAME

    deck = Presentation(io.BytesIO(exporter("deck").render(materials).data))

    books = [
        load_workbook(io.BytesIO(shape.chart.part.chart_workbook.xlsx_part.blob))
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_chart
    ]
    cells = [cell for book in books for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert EVIL_NAME in {cell.value for cell in cells}  # the label is there ...
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]  # ... as text
