"""The neutral document model every handout is built in once and rendered twice.

A handout is a title, a subtitle and a flat list of blocks. The PDF and DOCX renderers
each know how to draw every block kind; neither knows which handout it draws, and the
builders in `content.py` know nothing about either format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from klyngepakke.formats import danish_date


@dataclass(frozen=True)
class Heading:
    text: str
    # 1: a section, 2: an entry within a section.
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    muted: bool = False
    bold: bool = False
    bullet: bool = False


@dataclass(frozen=True)
class Facts:
    """Label/value pairs ("Dato", "Sted"); an empty value is a line to fill in."""

    rows: tuple[tuple[str, str], ...]
    # All pairs on one line (a form's head) rather than one pair a line.
    inline: bool = False


@dataclass(frozen=True)
class Cell:
    text: str = ""
    # A second, smaller line under the text (a program block's description).
    detail: str = ""
    bold: bool = False
    muted: bool = False


@dataclass(frozen=True)
class Column:
    label: str
    # Relative width; the renderers share the page width out in proportion.
    width: float


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()
    # Empty rows to write in, each `blank_height` lines of handwriting tall.
    blank_rows: int = 0
    blank_height: int = 1
    # The first column is a tick box for each row.
    tick: bool = False


@dataclass(frozen=True)
class Question:
    """A question followed by ruled lines to write the answer on."""

    text: str
    lines: int = 4
    # A short remark after the question (e.g. that solo doctors skip it).
    note: str = ""


@dataclass(frozen=True)
class Lines:
    """Ruled lines for free notes."""

    count: int


Block = Heading | Paragraph | Facts | Table | Question | Lines


@dataclass(frozen=True)
class Handout:
    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    footer: str
    primary: str
    accent: str
    # The document's fixed creation date (the data's date), so builds are reproducible.
    created: date
    landscape: bool = False


def hex_rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def da_date(value: date | None) -> str:
    """'6. feb. 2026' (klyngepakke.formats), as the pages write dates."""
    return danish_date(value) if value else ""


def da_time(value: time | None) -> str:
    return value.strftime("%H.%M") if value else ""
