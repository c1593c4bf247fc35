"""The deck and the handouts write dates as the pages do ("6. feb. 2026"), never as
"06.02.2026": the footer, the title slide, the before/after labels, the runbook."""

from __future__ import annotations

import re

import pytest

from klyngepakke.formats import danish_date
from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.handouts.content import runbook
from klyngepakke.results.tests.meeting_follow_up_support import whole_cycle

from .deck_support import open_deck, slide_text

pytestmark = pytest.mark.django_db

NUMERIC = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


def test_no_numeric_dates_in_the_follow_up_deck_or_runbook():
    cycle = whole_cycle()
    materials = meeting_materials(cycle.follow_up.pk)
    assert materials.footer.endswith(f"data pr. {danish_date(materials.data_date)}")
    texts = [slide_text(slide) for slide in open_deck(materials).slides]
    assert any(danish_date(materials.data_date) in text for text in texts)
    assert not [NUMERIC.findall(text) for text in texts if NUMERIC.search(text)]
    flat = repr(runbook(materials))
    assert not NUMERIC.search(flat), NUMERIC.findall(flat)
