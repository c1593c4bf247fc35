"""The printed handouts (PDF), read back with pypdf, show what the materials hold."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.handouts.blocks import da_date
from klyngepakke.materials.handouts.content import PLAN_COLUMNS, long_date, slot_time

from .base import meeting_country
from .handouts_support import HANDOUT_CODES, flat, pdf_pages, pdf_text, render

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)


@pytest.fixture
def country():
    return meeting_country()


@pytest.fixture
def materials(country):
    return meeting_materials(country.follow_up_round.pk)


def test_program_lists_every_block_with_its_times_and_the_plan(materials):
    text = pdf_text(render("program_pdf", materials).data)
    assert long_date(materials.meeting_date) in text
    assert materials.meeting_place in text
    assert "16.30–19.30" in text
    assert flat(materials.program_notes or "") in text
    position = 0
    for slot in materials.program:
        assert slot.starts is not None
        found = text.find(f"{slot_time(slot)} {slot.title}", position)
        assert found >= position, slot.title  # in the program's order
        position = found
        assert flat(slot.description) in text
        assert f"{slot.minutes} min." in text
    for purpose in materials.purpose:
        assert flat(purpose) in text


def test_runbook_has_every_task_with_its_role_and_due_date(materials):
    text = pdf_text(render("runbook_pdf", materials).data)
    assert materials.runbook
    for entry in materials.runbook:
        line = flat(f"{entry.task} {entry.when}".strip())
        assert line in text, entry.task
        after = text[text.index(line) + len(line) :]
        assert after.startswith(f" {entry.role_label}"), entry.task
        if entry.due:
            assert after.startswith(f" {entry.role_label} {da_date(entry.due)}"), entry.task
    for label in {e.phase_label for e in materials.runbook}:
        assert label in text
    assert "Roller" in text
    assert "Klyngekoordinator" in text


def test_note_sheet_has_every_reflection_question_under_its_block(materials):
    text = pdf_text(render("notes_pdf", materials).data)
    for slot in materials.program:
        if not slot.reflections:
            continue
        heading = f"{slot_time(slot)} {slot.title}"
        assert heading in text
        for reflection in slot.reflections:
            assert text.index(flat(reflection.text)) > text.index(heading)
    assert "springer" not in text  # this package has no solo rule


def test_offers_are_the_national_ones_and_the_own_regions_only(country, materials):
    text = pdf_text(render("offers_pdf", materials).data)
    for offer in materials.offers:
        assert offer.title in text
        assert flat(offer.description) in text
        assert flat(f"{offer.provider} · Målgruppe: {offer.audience}") in text
    assert f"Tilbud i {materials.region_name}" in text
    document = country.follow_up_round.package_version.document
    others = [o for o in document["offers"] if o.get("region") not in (None, materials.region_code)]
    assert others
    for offer in others:
        assert offer["provider"] not in text


def test_implementation_plan_is_a_landscape_form_with_the_plan_columns(materials):
    data = render("plan_pdf", materials).data
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4[::-1]
    text = pdf_text(data)
    for column in PLAN_COLUMNS:
        assert column.label in text
    assert "Praksis:" in text
    assert "Vi følger op på planen den:" in text
    assert len(pdf_pages(data)) == 1


def test_every_page_is_a4_with_the_footer_and_its_number(materials):
    for code in HANDOUT_CODES:
        data = render(f"{code}_pdf", materials).data
        reader = PdfReader(io.BytesIO(data))
        pages = pdf_pages(data)
        for number, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
            size = sorted(round(float(v), 2) for v in (page.mediabox.width, page.mediabox.height))
            assert tuple(size) == A4, code
            assert flat(materials.footer) in text, (code, number)
            assert f"Side {number} af {len(pages)}" in text, (code, number)
