"""Small shared pieces of the result slides: the ordinal colours, grouping a matrix's rows
and the plain "not shown" statement."""

from __future__ import annotations

from typing import Any

from pptx.util import Inches

from .template import Box, Deck, mix
from .text import Para

GREY = "7F7F7F"
HIDDEN = "D0D4D9"


def palette(deck: Deck, n: int) -> list[str]:
    """An ordinal scale from the package's primary colour to a light tint."""
    if n <= 1:
        return [deck.primary]
    return [mix(deck.primary, "FFFFFF", 0.82 * i / (n - 1)) for i in range(n)]


def question_groups(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Consecutive items of one question (a matrix's rows) together, in package order."""
    groups: list[list[dict[str, Any]]] = []
    for item in items:
        key = item.get("question", item["code"])
        if groups and groups[-1][0].get("question", groups[-1][0]["code"]) == key:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def plain(deck: Deck, slide: Any, box: Box, text: str) -> None:
    deck.text(
        slide,
        Box(box.left, box.top + Inches(0.3), box.width, min(box.height, Inches(2))),
        [Para(text, bold=True, color=deck.primary)],
        max_pt=26,
        min_pt=14,
        name="Vises ikke",
    )
