"""The .xlsx: one sheet per theme, the published numbers exactly, suppressed cells marked,
the disclosure settings, and never a row per person."""

from __future__ import annotations

import io
import random

import pytest
from openpyxl import load_workbook

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.exporters import exporter
from tests import factories

from .base import FIRST, answered_round, meeting_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def country():
    return meeting_country()


def workbook_of(round_id: int):
    materials = meeting_materials(round_id)
    rendered = exporter("spreadsheet").render(materials)
    assert rendered.name.endswith("-resultater.xlsx")
    return materials, load_workbook(io.BytesIO(rendered.data))


def rows(sheet) -> list[tuple]:
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def test_one_sheet_per_theme_plus_scores_follow_up_and_about(country):
    materials, book = workbook_of(country.follow_up_round.pk)
    sections = {item["section"] for item in materials.results["group"]["items"]}
    themes = [t.title[:31] for t in materials.themes if t.code in sections]
    assert book.sheetnames == ["Om dataene", *themes, "Scorer", "Udvikling"]


def test_theme_sheets_hold_the_published_counts_and_shares(country):
    materials, book = workbook_of(country.follow_up_round.pk)
    group = materials.results["group"]
    titles = {t.code: t.title[:31] for t in materials.themes}
    checked = 0
    for item in group["items"]:
        if "options" not in item:
            continue
        sheet = rows(book[titles[item["section"]]])
        start = next(i for i, r in enumerate(sheet) if r[0] == item["text"])
        for offset, option in enumerate(item["options"], start=1):
            label, count, share = sheet[start + offset][:3]
            assert label == option["label"]
            assert count == option["count"]
            assert share == option["percent"]
            checked += 1
    assert checked > 10


def test_scores_and_comparisons_match_the_results_layer(country):
    materials, book = workbook_of(country.follow_up_round.pk)
    sheet = rows(book["Scorer"])
    who5 = next(s for s in materials.results["group"]["scores"] if s["code"] == "who5_index")
    row = next(r for r in sheet if r[0] == who5["label"])
    assert row[1:6] == (
        who5["scored"],
        who5["estimate"]["mean"],
        who5["estimate"]["ci_low"],
        who5["estimate"]["ci_high"],
        who5["estimate"]["median"],
    )
    for comparison in materials.results["comparisons"]:
        found = next(r for r in sheet if r[0] == comparison["label"])
        assert found[1:4] == (comparison["rounds"], comparison["respondents"], comparison["score_means"]["who5_index"])


def test_the_follow_up_sheet_has_both_rounds(country):
    materials, book = workbook_of(country.follow_up_round.pk)
    sheet = rows(book["Udvikling"])
    follow_up = materials.follow_up
    assert ("Besvarelser før", follow_up["before"]["respondents"], f"af {follow_up['before']['invited']}") in [
        r[:3] for r in sheet
    ]
    change = next(c for c in follow_up["changes"] if c["code"] == "who5_index")
    row = next(r for r in sheet if r[0] == change["label"])
    before, after, comparison = change["before"], change["after"], change["comparison"]
    assert row[1:4] == (before["mean"], before["ci_low"], before["ci_high"])
    assert row[4:7] == (after["mean"], after["ci_low"], after["ci_high"])
    assert row[7:10] == (comparison["difference"], comparison["ci_low"], comparison["ci_high"])
    assert row[10] == change["sentence"]


def test_the_about_sheet_states_the_disclosure_rules(country):
    materials, book = workbook_of(country.follow_up_round.pk)
    about = dict(r[:2] for r in rows(book["Om dataene"]) if r[0])
    assert about["Mindste gruppe, der vises (k)"] == 5
    assert about["Følsomme spørgsmål og scorer"] == "who5_index"
    # The follow-up package shows the answers to "what has your practice changed" (free text).
    assert about["Fritekstsvar vises"] == "Ja"
    assert about["Besvarelser"] == materials.results["group"]["respondents"]
    assert about["Inviterede"] == materials.results["invited"]


def test_a_round_under_k_is_withheld_whole_and_marked(db):
    factories.shipped_catalogue()
    small = answered_round(factories.survey_cluster(members=6, solo=1), FIRST, random.Random(1), share=0.5)
    _materials, book = workbook_of(small.pk)
    assert book.sheetnames == ["Om dataene", "Resultater"]
    cell = book["Resultater"]["A2"]
    assert cell.value == "Vises ikke: for få besvarelser i gruppen."
    assert cell.font.italic


def test_no_sheet_has_a_row_per_person(country):
    materials, book = workbook_of(country.first_round.pk)
    respondents = materials.results["group"]["respondents"]
    # Every numeric cell is a published aggregate: none of the sheets lists respondents.
    for sheet in book.worksheets:
        assert "respondent" not in " ".join(str(v) for r in rows(sheet) for v in r if v).lower()
    assert respondents >= 5


def test_the_same_round_gives_the_same_workbook(country):
    first = rows(workbook_of(country.first_round.pk)[1]["Scorer"])
    again = rows(workbook_of(country.first_round.pk)[1]["Scorer"])
    assert first == again
