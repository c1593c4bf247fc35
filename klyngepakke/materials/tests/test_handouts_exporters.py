"""Every handout is offered as PDF and DOCX through the exporter interface."""

from __future__ import annotations

import pytest

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.exporters import exporter, exporters, file_stem

from .base import meeting_country
from .handouts_support import HANDOUT_CODES

pytestmark = pytest.mark.django_db

NAMES = {
    "program": ("program", "Program"),
    "runbook": ("drejebog", "Drejebog for koordinatoren"),
    "notes": ("moedenoter", "Ark til mødenoter"),
    "plan": ("implementeringsplan", "Implementeringsplan"),
    "offers": ("tilbud", "Tilbud"),
}
TYPES = {
    "pdf": ("application/pdf", "PDF", b"%PDF-"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", b"PK\x03\x04"),
}


def test_ten_handout_exporters_are_registered_in_order():
    codes = [e.code for e in exporters()]
    handouts = [c for c in codes if c.rsplit("_", 1)[0] in HANDOUT_CODES]
    assert handouts == [f"{h}_{f}" for h in HANDOUT_CODES for f in ("pdf", "docx")]
    assert exporter("program_pdf").label == "Program (PDF)"
    assert exporter("notes_docx").label == "Ark til mødenoter (Word)"


def test_each_exporter_gives_its_named_file():
    materials = meeting_materials(meeting_country().first_round.pk)
    for code in HANDOUT_CODES:
        suffix, label = NAMES[code]
        for extension, (content_type, kind, magic) in TYPES.items():
            entry = exporter(f"{code}_{extension}")
            assert entry.label == f"{label} ({kind})"
            rendered = entry.render(materials)
            assert rendered.name == f"{file_stem(materials)}-{suffix}.{extension}"
            assert rendered.content_type == content_type
            assert rendered.data.startswith(magic)
