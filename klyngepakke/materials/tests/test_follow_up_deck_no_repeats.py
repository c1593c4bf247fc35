"""A follow-up deck shows each thing once: the follow-up questions ("Har jeres praksis
ændret noget siden klyngemødet?") on the opening "Det har praksis ændret" slides, not again
among the themes; and no "Udvikling" slide for the practice type, which is the registry's
and not a change the practices made (the round's own slide shows it)."""

from __future__ import annotations

import pytest

from klyngepakke.materials.context import meeting_materials
from klyngepakke.results.tests.meeting_follow_up_support import whole_cycle

from .deck_support import open_deck, subtitle, title

pytestmark = pytest.mark.django_db


def test_the_follow_up_questions_and_the_practice_type_are_shown_once():
    cycle = whole_cycle()
    materials = meeting_materials(cycle.follow_up.pk)
    section = materials.meeting_follow_up
    assert section is not None
    questions = [c["text"] for c in section["change_answers"]["choices"]]
    assert questions
    slides = list(open_deck(materials).slides)
    for question in questions:
        titles = [title(s) for s in slides if subtitle(s) == question]
        assert titles == ["Det har praksis ændret"], (question, titles)
    practice = [title(s) for s in slides if subtitle(s) == "Arbejder du i en solopraksis eller i et kompagniskab?"]
    assert practice
    assert not any(t.startswith("Udvikling") for t in practice), practice


def test_free_texts_over_several_slides_are_numbered(monkeypatch):
    cycle = whole_cycle()
    materials = meeting_materials(cycle.follow_up.pk)
    (text,) = [t for t in materials.meeting_follow_up["change_answers"]["texts"] if t.get("shown_texts")]
    # Six answers, four a slide here: two slides, each saying which of the two it is.
    monkeypatch.setattr("klyngepakke.materials.deck.slides_meeting_follow_up.TEXTS_PER_SLIDE", 4)
    slides = [s for s in open_deck(materials).slides if subtitle(s) == text["text"]]
    assert [title(s) for s in slides] == ["Det har praksis ændret (1/2)", "Det har praksis ændret (2/2)"]
