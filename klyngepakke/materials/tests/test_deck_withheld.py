"""A round below the group threshold: the deck says so plainly and charts nothing of
the cluster."""

from __future__ import annotations

import pytest

from klyngepakke.materials.context import meeting_materials

from .base import meeting_country
from .deck_base import withheld_round
from .deck_support import charts, open_deck, slide_text, title

pytestmark = pytest.mark.django_db


def test_a_group_below_k_gets_plain_words_instead_of_charts():
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
    for theme in materials.themes:
        text = " ".join(slide_text(s) for s in prs.slides if title(s) == theme.title)
        assert group["text"] in text
        assert f"mindst {k} besvarelser" in text
    # The meeting's own slides are still there.
    titles = [title(s) for s in prs.slides]
    assert "Program" in titles
    assert "Implementering og opfølgning" in titles
