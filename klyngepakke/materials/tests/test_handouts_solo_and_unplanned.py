"""Questions solo doctors skip are marked; a meeting not yet planned leaves its date,
time and place to fill in, and the program shows lengths instead of clock times."""

from __future__ import annotations

import pytest

from klyngepakke.materials.handouts.content import SOLO_NOTE, notes, program

from .handouts_support import docx_paragraphs, flat, pdf_text, render, solo_rule_materials

pytestmark = pytest.mark.django_db


def test_questions_solo_doctors_skip_are_marked_in_both_formats():
    _, materials = solo_rule_materials()
    reflections = [r for slot in materials.program for r in slot.reflections]
    skipped = [r for r in reflections if not r.for_solo]
    assert skipped
    assert len(skipped) < len(reflections)
    paragraphs = docx_paragraphs(render("notes_docx", materials).data)
    for reflection in reflections:
        at = paragraphs.index(flat(reflection.text))
        assert (paragraphs[at + 1] == SOLO_NOTE) == (not reflection.for_solo), reflection.code
    text = pdf_text(render("notes_pdf", materials).data)
    assert text.count(SOLO_NOTE) == len(skipped)
    for reflection in skipped:
        assert f"{flat(reflection.text)} {SOLO_NOTE}" in text
    # The neutral model carries the same marks.
    questions = [b for b in notes(materials).blocks if type(b).__name__ == "Question"]
    assert [q.note == SOLO_NOTE for q in questions] == [not r.for_solo for r in reflections]


def test_an_unplanned_meeting_leaves_date_time_and_place_to_fill_in():
    _, materials = solo_rule_materials()
    assert materials.meeting_date is None
    assert materials.program[0].starts is None
    handout = program(materials)
    facts = handout.blocks[0]
    assert facts.rows == (("Dato", ""), ("Tid", ""), ("Sted", ""))
    table = next(b for b in handout.blocks if type(b).__name__ == "Table")
    assert [c.label for c in table.columns] == ["Programpunkt", "Varighed"]
    text = pdf_text(render("program_pdf", materials).data)
    for slot in materials.program:
        assert slot.title in text
        if slot.minutes:
            assert flat(f"{slot.title} {slot.description} {slot.minutes} min.") in text
    # National offers and the own region's only (Nordjylland), with its help contacts.
    offers = pdf_text(render("offers_pdf", materials).data)
    assert f"Tilbud i {materials.region_name}" in offers
    for other in ("Region Hovedstaden", "Region Sjælland", "Region Syddanmark", "Region Midtjylland"):
        assert other not in offers
    assert "Nord-POL" in offers
