"""The deck has every slide kind of the meeting, with the package's texts and the
order's dates, in the template (footer and slide number on every slide)."""

from __future__ import annotations

import pytest
from pptx.oxml.ns import qn

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.deck.text import long_date, short_date

from .base import meeting_country
from .deck_base import collaboration_round, large_follow_up
from .deck_support import named, open_deck, slide_text, table_rows, title

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials():
    meeting_country()
    return meeting_materials(large_follow_up().pk)


def test_every_slide_kind_is_there_in_order(materials):
    prs = open_deck(materials)
    titles = [title(s) for s in prs.slides]
    expected = [
        "Program",
        "Svarprocent",
        "Udvikling siden sidst",
        "Udvikling: WHO-5 trivselsindeks",
        *[t.title for t in materials.themes],
        "WHO-5 trivselsindeks",
        "Til sammenligning",
        *[f"Refleksion: {slot.title}" for slot in materials.program if slot.reflections],
        "Implementering og opfølgning",
        "Tilbud: nationalt",
        f"Tilbud i {materials.region_name}",
        "Her kan du få hjælp",
    ]
    for wanted in expected:
        assert wanted in titles, wanted
    assert titles.index("Program") < titles.index("Svarprocent") < titles.index("Implementering og opfølgning")
    first = slide_text(prs.slides[0])
    assert materials.package_title in first
    assert materials.cluster_name in first
    assert long_date(materials.meeting_date) in first
    assert materials.meeting_place in first


def test_every_slide_has_the_footer_and_its_number(materials):
    prs = open_deck(materials)
    assert prs.slide_width * 9 == prs.slide_height * 16
    for number, slide in enumerate(prs.slides, start=1):
        assert [s.text_frame.text for s in named(slide, "Sidefod")] == [materials.footer]
        field = named(slide, "Slidenummer")[0].text_frame.paragraphs[0]._p.find(qn("a:fld"))
        assert field.get("type") == "slidenum"
        assert field.find(qn("a:t")).text == str(number)


def test_program_has_the_planned_times_and_notes(materials):
    prs = open_deck(materials)
    slide = next(s for s in prs.slides if title(s) == "Program")
    rows = table_rows(slide, "Program")
    assert rows[0] == ["Tid", "Punkt", "Minutter"]
    for row, slot in zip(rows[1:], materials.program, strict=True):
        assert row[0] == f"{slot.starts:%H.%M}\u2013{slot.ends:%H.%M}"
        assert row[1].startswith(slot.title)
        assert row[2] == str(slot.minutes)
    assert materials.program_notes in slide_text(slide)


def test_implementation_says_what_to_decide_and_when_to_follow_up(materials):
    prs = open_deck(materials)
    text = slide_text(next(s for s in prs.slides if title(s) == "Implementering og opfølgning"))
    for entry in materials.runbook:
        if entry.phase == "after":
            assert entry.task in text
            if entry.due:
                assert short_date(entry.due) in text
        if entry.phase == "during" and entry.role != "facilitator":
            assert entry.task in text


def test_offers_are_national_and_the_clusters_own_regions(materials):
    prs = open_deck(materials)
    national = " ".join(slide_text(s) for s in prs.slides if title(s) == "Tilbud: nationalt")
    regional = " ".join(slide_text(s) for s in prs.slides if title(s) == f"Tilbud i {materials.region_name}")
    assert materials.national_offers
    assert materials.regional_offers
    for offer in materials.national_offers:
        assert offer.title in national
    for offer in materials.regional_offers:
        assert offer.title in regional
        assert offer.provider in regional
    everything = " ".join(slide_text(s) for s in prs.slides)
    assert "Region Hovedstaden" not in everything


def test_reflection_questions_say_which_ones_solo_doctors_skip(db):
    materials = meeting_materials(collaboration_round().pk)
    skipped = [q for slot in materials.program for q in slot.reflections if not q.for_solo]
    assert skipped, "the package has reflection questions solo doctors skip"
    prs = open_deck(materials)
    for slot in materials.program:
        if not slot.reflections:
            continue
        text = " ".join(slide_text(s) for s in prs.slides if title(s) == f"Refleksion: {slot.title}")
        for question in slot.reflections:
            assert question.text in text
        marks = sum(not q.for_solo for q in slot.reflections)
        assert text.count("Sololæger springer dette spørgsmål over.") == marks
        if marks:
            assert "Sololæger svarer kun på spørgsmål" in text
