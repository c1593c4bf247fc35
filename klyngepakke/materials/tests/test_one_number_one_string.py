"""One number, one string: the deck's chart labels, the deck's texts and the spreadsheet's
cells are the results layer's rounded figures and Danish strings for the same round,
never re-rounded. Chart labels are fixed text, so LibreOffice (which prints "." for a
number format) shows "3,4" too; spreadsheet figures are numbers with a number format."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.exporters import exporter
from klyngepakke.results.serialize import number_text

from .base import meeting_country
from .deck_base import large_follow_up
from .deck_support import charts, open_deck, point_labels, series_values, slide_text, subtitle, title

pytestmark = pytest.mark.django_db

DECIMAL_DOT = re.compile(r"\d\.\d")


@pytest.fixture
def materials():
    meeting_country()
    return meeting_materials(large_follow_up().pk)


def pct(value: int) -> str:
    return f"{value}\u00a0%"


def test_every_charted_value_has_its_text_label_with_a_decimal_comma(materials):
    prs = open_deck(materials)
    checked = 0
    for slide in prs.slides:
        for chart in charts(slide):
            if chart.chart_type is not None and "DOUGHNUT" in str(chart.chart_type):
                continue  # whole counts, number format "0"
            values, labels = series_values(chart), point_labels(chart)
            stacked = "STACKED" in str(chart.chart_type)
            for name, points in values.items():
                for value, label in zip(points, labels[name], strict=True):
                    if value is None or (stacked and value < 7):
                        continue  # blank point, or a segment too thin for a label
                    assert label is not None, (title(slide), name)
                    assert not DECIMAL_DOT.search(label), label
                    checked += 1
    assert checked > 50


def test_score_charts_and_texts_are_the_results_layers_strings(materials):
    prs = open_deck(materials)
    comparisons = [c for c in materials.results["comparisons"] if not c.get("withheld")]
    assert comparisons
    for score in materials.results["group"]["scores"]:
        estimate = score["estimate"]
        slide = next(s for s in prs.slides if title(s) == score["label"])
        expected = [estimate["mean_text"]]
        expected += [number_text(c["score_means"][score["code"]]) for c in comparisons]
        expected += [
            number_text(r["value"]) for r in materials.results["reference_values"] if r["measure"] == score["code"]
        ]
        assert point_labels(charts(slide, "Gennemsnit")[0])["Gennemsnit"] == list(reversed(expected))
        assert point_labels(charts(slide, "Fordeling")[0])["Antal"] == [str(b["count"]) for b in score["bands"]]
        text = slide_text(slide)
        assert f"Klyngens gennemsnit: {estimate['mean_text']}" in text
        assert f"95 %-konfidensinterval {estimate['ci_text']}" in text
        assert f"median {estimate['median_text']}" in text


def test_question_charts_label_the_published_percents_and_means(materials):
    prs = open_deck(materials)
    checked = 0
    for item in materials.results["group"]["items"]:
        if item.get("type") != "choice" or "options" not in item:
            continue
        slides = [s for s in prs.slides if subtitle(s) == item["text"] and not title(s).startswith("Udvikling")]
        if not slides:
            continue  # a matrix row: its chart is checked by the first test
        labels = point_labels(charts(slides[0], "Fordeling")[0])["Klyngen"]
        assert labels == [pct(o["percent"]) for o in reversed(item["options"])]
        means = charts(slides[0], "Gennemsnit")
        if means and isinstance(item.get("estimate"), dict) and "mean_text" in item["estimate"]:
            assert point_labels(means[0])["Gennemsnit"][-1] == item["estimate"]["mean_text"]
        checked += 1
    assert checked >= 2


def test_follow_up_labels_and_texts_are_the_results_layers_strings(materials):
    follow_up = materials.follow_up
    prs = open_deck(materials)
    overview = next(s for s in prs.slides if title(s) == "Udvikling siden sidst")
    for change in follow_up["changes"]:
        before, after = change["before"], change["after"]
        assert f"{change['label']}: {before['mean_text']} → {after['mean_text']}" in slide_text(overview)
        slide = next(s for s in prs.slides if title(s) == f"Udvikling: {change['label']}")
        assert point_labels(charts(slide, "Før og nu")[0])["Gennemsnit"] == [before["mean_text"], after["mean_text"]]
        difference = change["comparison"]["difference_text"].replace("-", "\u2212")
        assert difference in slide_text(slide)
    for distribution in follow_up["distributions"]:
        slide = next(s for s in prs.slides if subtitle(s) == distribution["text"] and title(s).startswith("Udvikling"))
        labels = list(point_labels(charts(slide, "Fordeling før og nu")[0]).values())
        rows = list(reversed(distribution["rows"]))
        assert labels == [
            [None if r["after_percent"] is None else pct(r["after_percent"]) for r in rows],
            [None if r["before_percent"] is None else pct(r["before_percent"]) for r in rows],
        ]


def danish(value: float) -> str:
    """What a Danish spreadsheet shows for a cell formatted "0.0"."""
    return f"{value:.1f}".replace(".", ",")


def test_spreadsheet_figures_are_numbers_formatted_like_the_results_layers_strings(materials):
    book = load_workbook(io.BytesIO(exporter("spreadsheet").render(materials).data))
    sheet = book["Scorer"]
    cells = {row[0].value: row for row in sheet.iter_rows() if row[0].value}
    for score in materials.results["group"]["scores"]:
        estimate = score["estimate"]
        row = cells[score["label"]]
        mean, low, high, median = row[2], row[3], row[4], row[5]
        for cell, value in ((mean, estimate["mean"]), (low, estimate["ci_low"]), (high, estimate["ci_high"])):
            assert cell.value == value
            assert cell.number_format == "0.0"
        assert danish(mean.value) == estimate["mean_text"]
        assert f"{danish(low.value)}\u2013{danish(high.value)}" == estimate["ci_text"]
        assert danish(median.value) == estimate["median_text"]
        band_rows = [r for r in sheet.iter_rows() if r[0].value in {b["label"] for b in score["bands"]}]
        for band, cells_of in zip(score["bands"], band_rows, strict=True):
            assert cells_of[1].value == band["count"]
            assert cells_of[2].value == band["percent"]
            assert isinstance(cells_of[2].value, int)
            assert cells_of[2].number_format == '0" %"'
    checked = 0
    for sheet in book.worksheets[1:]:  # the results, not "Om dataene" (version "2026.1")
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    # No figure is written as text.
                    assert not DECIMAL_DOT.search(cell.value), cell.value
                if isinstance(cell.value, float):
                    assert cell.number_format in ("0.0", '0" %"'), (sheet.title, cell.coordinate)
                    checked += 1
    assert checked > 20
