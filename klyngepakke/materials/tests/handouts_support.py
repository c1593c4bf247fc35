"""Helpers for the handout tests: read a PDF or DOCX back as text, and a round whose
package has reflection questions that solo doctors skip."""

from __future__ import annotations

import io
import random
import re

from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from klyngepakke.materials.context import MeetingMaterials, meeting_materials
from klyngepakke.materials.exporters import Rendered, exporter
from klyngepakke.surveys.models import Round
from tests import factories

from .base import answered_round

HANDOUT_CODES = ("program", "runbook", "notes", "plan", "offers")
SOLO_PACKAGE = "samarbejde-og-faellesskab"


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare with the source text."""
    return " ".join(text.split())


def render(code: str, materials: MeetingMaterials) -> Rendered:
    return exporter(code).render(materials)


def pdf_pages(data: bytes) -> list[str]:
    return [flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def docx_paragraphs(data: bytes) -> list[str]:
    """Every paragraph of the body, tables included, in document order."""
    document = Document(io.BytesIO(data))
    return [
        flat("".join(node.text or "" if node.tag == qn("w:t") else " " for node in p.iter(qn("w:t"), qn("w:br"))))
        for p in document.element.body.iter(qn("w:p"))
    ]


def docx_text(data: bytes) -> str:
    return " ".join(docx_paragraphs(data))


def solo_rule_materials(region_code: str = "nordjylland") -> tuple[Round, MeetingMaterials]:
    """A closed round of the package with `for_solo: false` questions, meeting unplanned."""
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=8, solo=2, region_code=region_code)
    round_ = answered_round(cluster, SOLO_PACKAGE, random.Random(7))
    return round_, meeting_materials(round_.pk)


def date_texts(text: str) -> set[str]:
    return set(re.findall(r"\b\d{2}\.\d{2}\.\d{4}\b", text))
