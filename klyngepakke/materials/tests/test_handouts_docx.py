"""The fill-in handouts (DOCX), opened with python-docx, show what the materials hold
and leave room to write."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.handouts.blocks import da_date
from klyngepakke.materials.handouts.content import PLAN_COLUMNS, PLAN_ROWS, long_date, slot_time
from klyngepakke.materials.handouts.docx import ORDER

from .base import meeting_country
from .handouts_support import HANDOUT_CODES, docx_paragraphs, docx_text, flat, render

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials():
    return meeting_materials(meeting_country().follow_up_round.pk)


def open_docx(materials, code):
    return Document(io.BytesIO(render(f"{code}_docx", materials).data))


def rows(table):
    return [[flat(cell.text) for cell in row.cells] for row in table.rows]


def test_program_table_has_every_block_with_its_times(materials):
    document = open_docx(materials, "program")
    program = next(t for t in document.tables if rows(t)[0][0] == "Tid")
    body = rows(program)[1:]
    assert [r[0] for r in body] == [slot_time(s) for s in materials.program]
    assert [r[1] for r in body] == [flat(f"{s.title} {s.description}") for s in materials.program]
    assert [r[2] for r in body] == [f"{s.minutes} min." for s in materials.program]
    # The header row repeats on every page.
    assert program.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    text = docx_text(render("program_docx", materials).data)
    assert long_date(materials.meeting_date) in text
    assert materials.meeting_place in text
    assert flat(materials.program_notes) in text


def test_runbook_is_a_checklist_with_roles_and_due_dates(materials):
    document = open_docx(materials, "runbook")
    checklists = [rows(t) for t in document.tables if rows(t)[0][1:] == ["Opgave", "Hvem", "Senest"]]
    assert len(checklists) == len({e.phase for e in materials.runbook})
    tasks = [row for table in checklists for row in table[1:]]
    expected = [["☐", flat(f"{e.task} {e.when}".strip()), e.role_label, da_date(e.due)] for e in materials.runbook]
    assert tasks == expected
    roles = next(rows(t) for t in document.tables if rows(t)[0][0] == "Rolle")
    assert [r[0] for r in roles[1:]] == ["Klyngekoordinator", "Facilitator", "Konsulent"]
    assert all(r[1:] == ["", ""] for r in roles[1:])  # to fill in
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Roller", "Før klyngemødet", "Under klyngemødet", "Efter klyngemødet", "Kontakt"]


def test_note_sheet_has_every_question_with_lines_to_write_on(materials):
    document = open_docx(materials, "notes")
    paragraphs = docx_paragraphs(render("notes_docx", materials).data)
    questions = [r.text for s in materials.program for r in s.reflections]
    for question in questions:
        assert flat(question) in paragraphs
    # Each question is followed by a one-column table of ruled lines.
    ruled = [t for t in document.tables if len(t.columns) == 1]
    assert len(ruled) >= len(questions)
    assert all(len(t.rows) >= 3 for t in ruled)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    for slot in materials.program:
        if slot.reflections:
            assert f"{slot_time(slot)}  {slot.title}" in headings


def test_implementation_plan_is_a_landscape_table_to_fill_in(materials):
    document = open_docx(materials, "plan")
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    plan = next(t for t in document.tables if rows(t)[0][0] == PLAN_COLUMNS[0].label)
    assert rows(plan)[0] == [c.label for c in PLAN_COLUMNS]
    assert len(plan.rows) == 1 + PLAN_ROWS
    for row in plan.rows[1:]:
        assert all(cell.text == "" for cell in row.cells)
        height = row._tr.trPr.find(qn("w:trHeight"))
        assert int(height.get(qn("w:val"))) * 635 >= Cm(2)
    text = docx_text(render("plan_docx", materials).data)
    assert "Praksis:" in text
    assert "Udfyldt af:" in text
    assert "Vi følger op på planen den:" in text


def test_offers_are_the_national_ones_and_the_own_regions_only(materials):
    text = docx_text(render("offers_docx", materials).data)
    for offer in materials.offers:
        assert offer.title in text
        assert flat(offer.description) in text
        assert f"{offer.provider} · Målgruppe: {offer.audience}" in text
    for region in ("Hovedstaden", "Sjælland", "Midtjylland", "Nordjylland"):
        assert region not in text
    assert "Syddanmark" in text


def test_every_document_is_a4_with_the_footer_and_page_numbers(materials):
    for code in HANDOUT_CODES:
        section = open_docx(materials, code).sections[0]
        size = sorted((section.page_width, section.page_height))
        assert abs(size[0] - Cm(21)) < Cm(0.01), code
        assert abs(size[1] - Cm(29.7)) < Cm(0.01), code
        footer = section.footer.paragraphs[0]
        assert footer.text.startswith(materials.footer), code
        fields = [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))]
        assert fields == ["PAGE", "NUMPAGES"], code


def test_table_properties_are_in_the_order_word_requires(materials):
    """Word refuses a document whose property elements are out of schema order."""
    for code in HANDOUT_CODES:
        body = open_docx(materials, code).element.body
        for kind, sequence in ORDER.items():
            names = sequence.split()
            for properties in body.iter(qn(f"w:{kind}")):
                tags = [child.tag.rsplit("}", 1)[-1] for child in properties]
                assert all(tag in names for tag in tags), (code, tags)
                positions = [names.index(tag) for tag in tags]
                assert positions == sorted(set(positions)), (code, tags)
