"""No text runs out of its box: every text box's text, wrapped at the sizes the deck
set, fits its height (estimated with DejaVu-like widths, wider than Arial); every shape
stays on the slide and clear of the footer."""

from __future__ import annotations

import pytest
from pptx.util import Emu

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.deck.template import FOOTER_TOP
from klyngepakke.materials.deck.text import INSET_PT, LINE_SPACING, wrap

from .base import meeting_country
from .deck_base import collaboration_round, large_follow_up, withheld_round
from .deck_support import open_deck

pytestmark = pytest.mark.django_db

FOOTER_SHAPES = {"Sidefod", "Slidenummer"}


def text_height(shape) -> float:
    frame = shape.text_frame
    width = Emu(shape.width).pt - 2 * INSET_PT
    total = 2 * INSET_PT
    paragraphs = frame.paragraphs
    for index, paragraph in enumerate(paragraphs):
        runs = paragraph.runs
        if not runs:  # the slide number is a field
            continue
        size = runs[0].font.size.pt
        bold = bool(runs[0].font.bold)
        p_pr = paragraph._p.pPr
        indent = Emu(int(p_pr.get("marL"))).pt if p_pr is not None and p_pr.get("marL") else 0
        lines = len(wrap("".join(r.text for r in runs), width - indent, size, bold))
        total += lines * size * LINE_SPACING
        if index < len(paragraphs) - 1 and paragraph.space_after is not None:
            total += paragraph.space_after.pt
    return total


@pytest.fixture
def decks():
    meeting_country()
    rounds = [large_follow_up(), collaboration_round(), withheld_round()]
    return [open_deck(meeting_materials(r.pk)) for r in rounds]


def test_no_text_overflows_and_nothing_leaves_the_slide(decks):
    checked = 0
    for prs in decks:
        for number, slide in enumerate(prs.slides, start=1):
            for shape in slide.shapes:
                where = f"slide {number}, {shape.name!r}"
                assert shape.left >= 0, where
                assert shape.top >= 0, where
                assert shape.left + shape.width <= prs.slide_width, where
                assert shape.top + shape.height <= prs.slide_height, where
                if shape.name not in FOOTER_SHAPES and shape.name != "" and not shape.name.startswith("Rectangle"):
                    assert shape.top + shape.height <= FOOTER_TOP, where
                if shape.has_text_frame and shape.text_frame.text.strip():
                    needed = text_height(shape)
                    assert needed <= Emu(shape.height).pt + 0.5, f"{where}: {needed:.0f} pt > box"
                    checked += 1
    assert checked > 100
