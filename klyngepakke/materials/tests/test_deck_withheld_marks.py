"""A withheld figure is never drawn as zero or as an empty bar: the cluster's row stays
beside the region's and the country's, hatched and labelled "skjult", and the slide says
why in words; a question withheld whole gets no empty slide but a line on the theme's
"not shown" slide.

The cluster: six doctors, all invited answered (a nameable set), all in one WHO-5 band
of the follow-up package, which marks the WHO-5 as sensitive (`core.disclosure` rule 4),
so the score and its items are withheld; the other clusters of `meeting_country` give
region and country means."""

from __future__ import annotations

import pytest

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.deck.charts import WITHHELD_SERIES
from klyngepakke.results.tests.test_results_numbers import WHO5, closed_round
from tests import factories

from .base import FOLLOW_UP, meeting_country
from .deck_support import charts, open_deck, point_labels, series_values, slide_text, subtitle, title

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials():
    meeting_country()
    cluster = factories.survey_cluster(members=6, solo=1, region_code="syddanmark")
    people = [{"practice_type": "partnership", **dict.fromkeys(WHO5, 4)} for _ in range(6)]
    materials = meeting_materials(closed_round(people, package=FOLLOW_UP, cluster=cluster).pk)
    score = next(s for s in materials.results["group"]["scores"] if s["code"] == "who5_index")
    assert score["withheld"] == "homogeneous_sensitive"
    assert [c for c in materials.results["comparisons"] if "who5_index" in c.get("score_means", {})]
    return materials


def test_the_clusters_withheld_mean_keeps_its_row_marked_skjult(materials):
    score = next(s for s in materials.results["group"]["scores"] if s["code"] == "who5_index")
    prs = open_deck(materials)
    (slide,) = [s for s in prs.slides if title(s) == score["label"]]
    chart = charts(slide, "Gennemsnit")[0]
    categories = [" ".join(str(c).split()) for c in chart.plots[0].categories]
    values = series_values(chart)
    cluster = categories.index("Klyngen (skjult)")  # the cluster's row is there, marked
    assert values["Gennemsnit"][cluster] is None  # never a zero
    # A hatched placeholder across the axis, labelled "skjult", only on that row.
    assert values[WITHHELD_SERIES] == [100.0 if i == cluster else None for i in range(len(categories))]
    assert point_labels(chart)[WITHHELD_SERIES][cluster] == "skjult"
    shown = [c["label"] for c in materials.results["comparisons"] if "who5_index" in c.get("score_means", {})]
    assert all(any(label in c for c in categories) for label in shown)
    # And the words why.
    assert score["text"] in slide_text(slide)


def test_a_question_withheld_whole_gets_a_line_not_an_empty_slide(materials):
    prs = open_deck(materials)
    withheld = [i for i in materials.results["group"]["items"] if "withheld" in i]
    assert withheld
    summaries = [s for s in prs.slides if subtitle(s) == "Det, der ikke vises for klyngen, og hvorfor"]
    text = " ".join(slide_text(s) for s in summaries)
    for item in withheld:
        assert item["text"] in text
        assert item["reason"] in text
        # No slide of its own that only says it is not shown.
        assert not [s for s in prs.slides if subtitle(s) == item["text"]]


def test_a_question_nobody_answered_gets_a_line_not_an_empty_table(materials):
    # The six answered only the practice type and the WHO-5.
    prs = open_deck(materials)
    empty = [i for i in materials.results["group"]["items"] if i.get("answered") == 0]
    assert empty
    summaries = " ".join(
        slide_text(s) for s in prs.slides if subtitle(s) == "Det, der ikke vises for klyngen, og hvorfor"
    )
    for item in empty:
        assert f"{item['text']} Ingen har svaret på spørgsmålet." in summaries
        assert not [s for s in prs.slides if item["text"] in subtitle(s)]
