"""Text that does not fit its box even at the smallest size is cut word by word with an
ellipsis, and the cutting always ends (a three-word paragraph once looped forever: the
cut kept two words plus "…", which is three words again)."""

from __future__ import annotations

import threading

import pytest

from klyngepakke.materials.deck.template import _shorten
from klyngepakke.materials.deck.text import Para, paragraphs_height


@pytest.mark.parametrize("words", [3, 4, 7, 40])
def test_shortening_ends_and_fits(words):
    paras = [Para("Overskrift", bold=True), Para(" ".join(["ordforklaring"] * words))]
    height = paragraphs_height(paras[:1], 200, 12) + 12
    result: list[list[Para]] = []
    worker = threading.Thread(target=lambda: result.append(_shorten(paras, 200, height, 12)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert result, "shortening did not end"
    (kept,) = result
    assert paragraphs_height(kept, 200, 12) <= height or not kept
    assert kept[0] == paras[0]
    assert all(p.text.endswith(" …") or p == paras[0] for p in kept[1:])
