"""Every number in the deck's charts and tables is the results layer's
(`materials.results`, `materials.follow_up`): the same rounded figures."""

from __future__ import annotations

import pytest

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.deck.results_common import question_groups

from .base import meeting_country
from .deck_base import large_follow_up
from .deck_support import charts, open_deck, series_values, slide_text, subtitle, table_rows, title

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["large", "small"])
def materials(request):
    country = meeting_country()
    round_ = large_follow_up() if request.param == "large" else country.follow_up_round
    return meeting_materials(round_.pk)


def all_charts(prs, name):
    return [(slide, chart) for slide in prs.slides for chart in charts(slide, name)]


def test_the_response_rate_is_the_groups(materials):
    prs = open_deck(materials)
    slide = next(s for s in prs.slides if title(s) == "Svarprocent")
    group, invited = materials.results["group"], materials.results["invited"]
    assert f"{group['respondents']} af {invited}" in slide_text(slide)
    # The response percent is the results layer's, rounded once, as on the page.
    assert f"({materials.results['response_percent']}\u00a0%)" in slide_text(slide)
    (chart,) = charts(slide, "Svarprocent")
    assert series_values(chart) == {"Besvarelser": [group["respondents"], invited - group["respondents"]]}


def test_question_charts_show_the_published_shares_and_counts(materials):
    prs = open_deck(materials)
    items = materials.results["group"]["items"]
    distributions = [series_values(c) for _, c in all_charts(prs, "Fordeling")]
    counted = [series_values(c) for _, c in all_charts(prs, "Antal")]
    checked = 0
    for group in question_groups(items):
        shown = [i for i in group if "options" in i]
        if not shown:
            continue
        if group[0]["type"] == "multiple":
            item = group[0]
            values = [o["count"] for o in reversed(item["options"])]
            if any(values):
                assert {"Antal": values} in counted
                checked += 1
        elif len(group) == 1:
            item = group[0]
            values = [o["percent"] for o in reversed(item["options"])]
            if any(v is not None for v in values):
                assert {"Klyngen": values} in distributions
                checked += 1
        else:
            expected = {
                option["label"]: [i["options"][index]["percent"] for i in reversed(shown)]
                for index, option in enumerate(shown[0]["options"])
            }
            assert expected in distributions
            checked += 1
    assert checked >= (3 if materials.results["group"]["respondents"] > 20 else 1)


def test_small_counts_in_a_shown_table_are_drawn_as_they_are(materials):
    # Within a group of at least k every count is shown: the job satisfaction chart has
    # a bar for every option, small ones included, and no "hidden" series.
    prs = open_deck(materials)
    item = next(i for i in materials.results["group"]["items"] if i["code"] == "job_satisfaction")
    slide = next(s for s in prs.slides if subtitle(s) == item["text"] and not title(s).startswith("Udvikling"))
    assert series_values(charts(slide, "Fordeling")[0]) == {
        "Klyngen": [o["percent"] for o in reversed(item["options"])]
    }
    assert all(isinstance(o["count"], int) for o in item["options"])


def test_the_score_slide_has_the_bands_the_mean_and_the_comparisons(materials):
    prs = open_deck(materials)
    for score in materials.results["group"]["scores"]:
        slide = next(s for s in prs.slides if title(s) == score["label"])
        bands = [b["count"] for b in score["bands"]]
        assert series_values(charts(slide, "Fordeling")[0]) == {"Antal": bands}
        means = series_values(charts(slide, "Gennemsnit")[0])["Gennemsnit"]
        expected = [score["estimate"]["mean"]]
        expected += [c["score_means"][score["code"]] for c in materials.results["comparisons"] if not c.get("withheld")]
        expected += [r["value"] for r in materials.results["reference_values"] if r["measure"] == score["code"]]
        assert means == list(reversed(expected))
        definition = next(d for d in materials.score_definitions if d["code"] == score["code"])
        limits = [f"Grænse {int(b['max'])}" for b in definition["bands"][:-1]]
        assert limits == ["Grænse 35", "Grænse 50"]
        assert [s.name for s in slide.shapes if s.name in limits] == limits


def test_follow_up_slides_show_the_change_and_both_rounds(materials):
    follow_up = materials.follow_up
    assert follow_up is not None
    prs = open_deck(materials)
    for change in follow_up["changes"]:
        slide = next(s for s in prs.slides if title(s) == f"Udvikling: {change['label']}")
        means = series_values(charts(slide, "Før og nu")[0])["Gennemsnit"]
        assert means == [change["before"].get("mean"), change["after"].get("mean")]
        assert change["sentence"] in slide_text(slide)
        rows = table_rows(slide, "Bånd før og nu")[1:]
        assert [r[0] for r in rows] == [b["label"] for b in change["bands"]]
        for row, band in zip(rows, change["bands"], strict=True):
            assert row[1].split(" (")[0] == str(band["before"])
            assert row[2].split(" (")[0] == str(band["after"])
    for distribution in follow_up["distributions"]:
        slide = next(s for s in prs.slides if subtitle(s) == distribution["text"] and title(s).startswith("Udvikling"))
        shares = [r[key] for r in distribution["rows"] for key in ("before_percent", "after_percent")]
        if all(share is None for share in shares):
            # Every share hidden: no empty chart, the counts table alone.
            assert not charts(slide, "Fordeling før og nu")
        else:
            values = series_values(charts(slide, "Fordeling før og nu")[0])
            assert list(values.values()) == [
                [r["after_percent"] for r in reversed(distribution["rows"])],
                [r["before_percent"] for r in reversed(distribution["rows"])],
            ]
        counts = table_rows(slide, "Antal før og nu")[1:]
        assert [r[1].split(" (")[0] for r in counts] == [str(r["before"]) for r in distribution["rows"]]
