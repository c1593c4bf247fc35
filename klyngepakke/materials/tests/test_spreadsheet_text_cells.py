"""Text in the results spreadsheet stays text: a registry name or package text starting
with = + - or @ is never written as a live formula (e.g. a HYPERLINK to a stranger's site)."""

from __future__ import annotations

import dataclasses
import io

import pytest
from openpyxl import load_workbook

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
