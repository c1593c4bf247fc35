"""Server-rendered SVG bar charts. Geometry here; the markup lives in the templates.

Colours are an ordinal blue scale that stays distinguishable for colour-blind readers
and in greyscale print; every chart also comes with a table for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

# Darkest = the scale's first option ("i meget høj grad", "hele tiden").
ORDINAL = ["#08306b", "#2171b5", "#6baed6", "#bdd7e7", "#e3eef8", "#f4f7fa"]
NOT_ON_SCALE = "#bdbdbd"
WIDTH = 600


@dataclass(frozen=True)
class Segment:
    label: str
    share: float  # 0..1
    x: float
    width: float
    fill: str
    text_fill: str


def stacked_bar(shares: list[tuple[str, float]], width: int = WIDTH) -> list[Segment]:
    """One horizontal bar of shares (in scale order) that add up to at most 1."""
    segments = []
    x = 0.0
    for index, (label, share) in enumerate(shares):
        fill = ORDINAL[min(index, len(ORDINAL) - 1)]
        w = max(0.0, share) * width
        segments.append(Segment(label, share, round(x, 2), round(w, 2), fill, "#ffffff" if index < 2 else "#1b1f24"))
        x += w
    return segments


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    width: float


def bars(values: list[tuple[str, float]], maximum: float, width: int = WIDTH) -> list[Bar]:
    """Simple horizontal bars, e.g. a mean per comparison group on a 0-100 scale."""
    return [
        Bar(label, value, round(width * max(0.0, value) / maximum, 2) if maximum else 0.0) for label, value in values
    ]
