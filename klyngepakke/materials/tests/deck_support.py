"""Helpers for the deck tests: render a round's deck and read it back with python-pptx."""

from __future__ import annotations

import io
from typing import Any

from pptx import Presentation
from pptx.oxml.ns import qn

from klyngepakke.materials.context import MeetingMaterials
from klyngepakke.materials.deck import render


def open_deck(materials: MeetingMaterials) -> Any:
    return Presentation(io.BytesIO(render(materials).data))


def shape_text(shape: Any) -> str:
    if shape.has_text_frame:
        return " ".join(p.text for p in shape.text_frame.paragraphs)
    if shape.has_table:
        return " ".join(cell.text for row in shape.table.rows for cell in row.cells)
    return ""


def named(slide: Any, name: str) -> list[Any]:
    return [s for s in slide.shapes if s.name == name]


def title(slide: Any) -> str:
    found = named(slide, "Titel")
    return shape_text(found[0]) if found else ""


def subtitle(slide: Any) -> str:
    found = named(slide, "Undertitel")
    return shape_text(found[0]) if found else ""


def slide_text(slide: Any) -> str:
    return " ".join(shape_text(s) for s in slide.shapes)


def charts(slide: Any, name: str | None = None) -> list[Any]:
    return [s.chart for s in slide.shapes if s.has_chart and (name is None or s.name == name)]


def series_values(chart: Any) -> dict[str, list[float | None]]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


def table_rows(slide: Any, name: str) -> list[list[str]]:
    table = named(slide, name)[0].table
    return [[cell.text for cell in row.cells] for row in table.rows]


def slides_titled(prs: Any, text: str) -> list[Any]:
    return [s for s in prs.slides if title(s) == text]


def point_labels(chart: Any) -> dict[str, list[str | None]]:
    """Each series' data labels as fixed text (None: a point without a text label)."""
    result = {}
    for s in chart.plots[0].series:
        texts: list[str | None] = [None] * len(list(s.values))
        d_lbls = s._element.find(qn("c:dLbls"))
        for d_lbl in [] if d_lbls is None else d_lbls.findall(qn("c:dLbl")):
            index = int(d_lbl.find(qn("c:idx")).get("val"))
            rich = d_lbl.find(qn("c:tx"))
            if rich is not None:
                texts[index] = "".join(t.text or "" for t in rich.iter(qn("a:t")))
        result[s.name] = texts
    return result
