"""A round below the group threshold: the deck says so plainly on one slide, charts
nothing of the cluster and is still useful for the meeting."""

from __future__ import annotations

import pytest

from klyngepakke.materials.context import meeting_materials

from .base import meeting_country
from .deck_base import withheld_round
from .deck_support import charts, open_deck, slide_text, subtitle, title

pytestmark = pytest.mark.django_db


def test_a_group_below_k_gets_one_plain_slide_and_the_meeting_slides():
    meeting_country()
    materials = meeting_materials(withheld_round().pk)
    group = materials.results["group"]
    assert "withheld" in group
    k = materials.results["threshold"]
    prs = open_deck(materials)
    assert not [c for s in prs.slides for c in charts(s)]
    response = next(s for s in prs.slides if title(s) == "Svarprocent")
    assert f"Færre end {k}" in slide_text(response)
    assert f"af {materials.results['invited']} inviterede" in slide_text(response)
    (results,) = [s for s in prs.slides if title(s) == "Klyngens resultater"]
    assert subtitle(results) == "Runden fik for få besvarelser til at vise resultater"
    assert group["text"] in slide_text(results)
    assert f"mindst {k} besvarelser" in slide_text(results)
    # No empty slide per theme or score saying only "not shown".
    titles = [title(s) for s in prs.slides]
    for theme in materials.themes:
        assert theme.title not in titles
    assert not [
        s for s in prs.slides if "Vises ikke" in slide_text(s) and s is not results and title(s) != "Svarprocent"
    ]
    # The meeting's own slides are still there: program, reflection, plan, offers.
    assert "Program" in titles
    assert any(t.startswith("Refleksion") for t in titles)
    assert "Implementering og opfølgning" in titles
    assert any(t.startswith("Tilbud") for t in titles)
