"""Solo doctors and partnerships get their own slides when the results layer shows them:
the scores side by side (means with intervals, band counts) and the questions where the
two differ most, with the results layer's strings; and the spreadsheet says "skjult"
with the reason in a withheld subgroup cell."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.deck.charts import WITHHELD_SERIES
from klyngepakke.materials.exporters import exporter
from klyngepakke.registry.models import Practice
from klyngepakke.results.tests.test_results_numbers import WHO5
from klyngepakke.surveys import services
from klyngepakke.surveys.answers import answer_rows
from klyngepakke.surveys.selectors import questionnaire_for
from tests import factories

from .base import FOLLOW_UP, meeting_country
from .deck_base import large_follow_up
from .deck_support import charts, open_deck, point_labels, series_values, slide_text, table_rows, title

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials():
    meeting_country()
    materials = meeting_materials(large_follow_up().pk)
    subgroups = list(materials.results["subgroups"].values())
    assert len(subgroups) == 2
    assert all("withheld" not in s for s in subgroups)
    return materials


def test_each_score_gets_a_slide_with_the_subgroups_side_by_side(materials):
    prs = open_deck(materials)
    cluster = materials.results["group"]
    subgroups = list(materials.results["subgroups"].values())
    for score in cluster["scores"]:
        (slide,) = [s for s in prs.slides if title(s) == f"{score['label']}: sololæger og kompagniskaber"]
        groups = [cluster, *subgroups]
        entries = [next(x for x in g["scores"] if x["code"] == score["code"]) for g in groups]
        means = point_labels(charts(slide, "Undergrupper gennemsnit")[0])["Gennemsnit"]
        assert means == [e["estimate"]["mean_text"] for e in reversed(entries)]
        rows = table_rows(slide, "Undergrupper bånd")
        assert rows[0][1:] == [f"Klyngen ({cluster['respondents']})"] + [
            f"{s['label']} ({s['respondents']})" for s in subgroups
        ]
        assert rows[1][1:] == [f"{e['estimate']['mean_text']} ({e['estimate']['ci_text']})" for e in entries]
        for index, band in enumerate(score["bands"]):
            assert rows[2 + index][0] == band["label"]
            assert rows[2 + index][1:] == [
                f"{e['bands'][index]['count']} ({e['bands'][index]['percent']}\u00a0%)" for e in entries
            ]


def test_the_questions_where_the_subgroups_differ_most(materials):
    prs = open_deck(materials)
    first, second = materials.results["subgroups"].values()
    (slide,) = [s for s in prs.slides if title(s) == "Hvor sololæger og kompagniskaber svarer mest forskelligt"]
    rows = table_rows(slide, "Største forskelle")
    assert rows[0] == ["Spørgsmål", first["label"], second["label"]]
    by_text = {
        i["text"]: (i, j)
        for i, j in zip(first["items"], second["items"], strict=True)
        if isinstance(i.get("estimate"), dict)
        and "mean" in i["estimate"]
        and isinstance(j.get("estimate"), dict)
        and "mean" in j["estimate"]
    }
    gaps = sorted((abs(i["estimate"]["mean"] - j["estimate"]["mean"]) for i, j in by_text.values()), reverse=True)
    assert 1 <= len(rows) - 1 <= 5
    listed = []
    for text, solo, partnership in rows[1:]:
        i, j = by_text[text]
        assert (solo, partnership) == (i["estimate"]["mean_text"], j["estimate"]["mean_text"])
        listed.append(abs(i["estimate"]["mean"] - j["estimate"]["mean"]))
    assert listed == gaps[: len(listed)]


@pytest.fixture
def homogeneous_solo():
    """Six solo doctors all in one WHO-5 band (sensitive in the follow-up package, and
    the solo doctors are a nameable set), six partnership doctors spread out: the solo
    doctors' WHO-5 and its items are withheld, and so are the items for the partnerships
    (else the solo table could be worked out from the cluster's)."""
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=12, solo=6, region_code="syddanmark")
    round_ = factories.open_survey_round(cluster, FOLLOW_UP)
    questionnaire = questionnaire_for(round_)
    spread = iter([0, 1, 2, 3, 4, 5])
    for invitation in round_.invitations.select_related("member__practice").order_by("pk"):
        solo = invitation.member.practice.kind == Practice.Kind.SOLO
        raw = 4 if solo else next(spread)
        answers = {"practice_type": "solo" if solo else "partnership", **dict.fromkeys(WHO5, str(raw))}
        assert services.store_submission(invitation.pk, answer_rows(questionnaire, answers)).stored
    materials = meeting_materials(services.close_round(round_, None).pk)
    solo = materials.results["subgroups"]["solo"]
    assert next(s for s in solo["scores"] if s["code"] == "who5_index")["withheld"] == "homogeneous_sensitive"
    return materials


def test_a_withheld_subgroup_score_is_skjult_with_the_reason(homogeneous_solo):
    materials = homogeneous_solo
    solo = materials.results["subgroups"]["solo"]
    score = next(s for s in solo["scores"] if s["code"] == "who5_index")
    prs = open_deck(materials)
    (slide,) = [s for s in prs.slides if title(s).startswith(score["label"] + ": ")]
    chart = charts(slide, "Undergrupper gennemsnit")[0]
    categories = [str(c) for c in chart.plots[0].categories]
    row = categories.index(f"{solo['label']} (skjult)")
    assert series_values(chart)["Gennemsnit"][row] is None
    assert point_labels(chart)[WITHHELD_SERIES][row] == "skjult"
    assert f"{solo['label']}: {score['text']}" in slide_text(slide)


def test_a_withheld_subgroup_cell_says_skjult_and_why_not_the_question(homogeneous_solo):
    materials = homogeneous_solo
    solo = materials.results["subgroups"]["solo"]
    withheld = [i for i in solo["items"] if "withheld" in i]
    assert withheld
    book = load_workbook(io.BytesIO(exporter("spreadsheet").render(materials).data))
    title_of = {t.code: t.title[:31] for t in materials.themes}
    checked = 0
    for item in withheld:
        main = next(i for i in materials.results["group"]["items"] if i["code"] == item["code"])
        if "options" not in main:
            continue
        sheet = book[title_of[item["section"]]]
        header = [c.value for c in sheet[1]]
        column = header.index(f"{solo['label']}: antal")
        rows = list(sheet.iter_rows())
        start = next(n for n, r in enumerate(rows) if r[0].value == item["text"])
        for n in range(len(main["options"])):
            cell = rows[start + 1 + n][column]
            assert cell.value == f"skjult: {item['reason']}"
            assert cell.font.italic
            checked += 1
    assert checked
