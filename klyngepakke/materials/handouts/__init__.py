"""The printed and fill-in handouts: each built once as blocks, drawn as PDF and DOCX."""

from __future__ import annotations

from collections.abc import Callable

from ..context import MeetingMaterials
from ..exporters import Rendered, file_stem, register
from .blocks import Handout
from .content import HANDOUTS
from .docx import render_docx
from .pdf import render_pdf

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS: tuple[tuple[str, str, str, Callable[[Handout], bytes]], ...] = (
    ("pdf", "PDF", PDF, render_pdf),
    ("docx", "Word", DOCX, render_docx),
)


def _exporter(
    suffix: str,
    extension: str,
    content_type: str,
    build: Callable[[MeetingMaterials], Handout],
    draw: Callable[[Handout], bytes],
) -> Callable[[MeetingMaterials], Rendered]:
    def render(materials: MeetingMaterials) -> Rendered:
        return Rendered(f"{file_stem(materials)}-{suffix}.{extension}", content_type, draw(build(materials)))

    return render


for _code, (_label, _suffix, _build) in HANDOUTS.items():
    for _extension, _kind, _type, _draw in FORMATS:
        register(f"{_code}_{_extension}", f"{_label} ({_kind})")(_exporter(_suffix, _extension, _type, _build, _draw))
