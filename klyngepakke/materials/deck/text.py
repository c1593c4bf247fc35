"""Text measurement without a renderer: estimate, wrap and fit Danish text to a box.

The deck must not overflow in PowerPoint (Arial) nor in LibreOffice, which may fall back
to the wider DejaVu Sans when Arial's metric twin is missing. So the widths below are
DejaVu-like (conservative for Arial): text that fits here fits in both.
Pure functions of the text, so the same materials always give the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from functools import cache, lru_cache

from klyngepakke.formats import danish_date

DASH = "\u2013"  # en dash: ranges, times and hidden counts
MINUS = "\u2212"

# Average advance widths in em, by character class.
_NARROW = set("il.,:;|!'`fjrtI()[]- ")
_WIDE = set("mwMWæÆœŒ%@")
_EM_NARROW = 0.36
_EM_WIDE = 0.95
_EM_UPPER = 0.74
_EM_DIGIT = 0.64
_EM_OTHER = 0.62
LINE_SPACING = 1.2
BOLD_FACTOR = 1.1


@cache
def char_em(ch: str) -> float:
    if ch in _NARROW:
        return _EM_NARROW
    if ch in _WIDE:
        return _EM_WIDE
    if ch.isdigit():
        return _EM_DIGIT
    if ch.isupper():
        return _EM_UPPER
    return _EM_OTHER


@lru_cache(maxsize=4096)
def _em(text: str) -> float:
    return sum(char_em(ch) for ch in text)


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Estimated width of `text` in points."""
    width = _em(text) * size_pt
    return width * BOLD_FACTOR if bold else width


@lru_cache(maxsize=1024)
def _words(paragraph: str) -> tuple[tuple[str, float], ...]:
    return tuple((word, _em(word)) for word in paragraph.split(" "))


def wrap(text: str, width_pt: float, size_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap; a word longer than a line is broken by characters."""
    limit = width_pt / (size_pt * (BOLD_FACTOR if bold else 1.0))
    space = char_em(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word, em in _words(paragraph):
            if line and used + space + em <= limit:
                line, used = f"{line} {word}", used + space + em
                continue
            if not line and em <= limit:
                line, used = word, em
                continue
            if line:
                lines.append(line)
            line, used = "", 0.0
            while em > limit and len(word) > 1:
                cut = len(word)
                while cut > 1 and _em(word[:cut]) > limit:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                em = _em(word)
            line, used = word, em
        lines.append(line)
    return lines


def wrap_chars(text: str, max_chars: int, max_lines: int = 3) -> str:
    """Wrap a chart label at about `max_chars` characters per line, with newlines.

    Chart renderers place category labels themselves; pre-wrapped labels keep long
    Danish answer options from being cut or overlapping. Lines beyond `max_lines` are
    shortened with an ellipsis (the full text is on the slide or in the handout).
    """
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > max_chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, max_chars - 1)].rstrip() + "…"
    return "\n".join(lines)


@dataclass(frozen=True)
class Para:
    """One paragraph to fit: `scale` multiplies the fitted base size."""

    text: str
    scale: float = 1.0
    bold: bool = False
    italic: bool = False
    color: str | None = None
    # Space after the paragraph in lines of its own size.
    space_after: float = 0.35
    bullet: bool = False


# Inner margins python-pptx text frames get (we set them explicitly).
INSET_PT = 5.0
BULLET_INDENT_PT = 18.0


def run_size(base_pt: float, scale: float) -> float:
    """The font size a paragraph gets: its scaled base size, to the half point."""
    return round(base_pt * scale * 2) / 2


def paragraphs_height(paras: list[Para], width_pt: float, base_pt: float) -> float:
    total = 2 * INSET_PT
    for index, para in enumerate(paras):
        size = run_size(base_pt, para.scale)
        usable = width_pt - 2 * INSET_PT - (BULLET_INDENT_PT if para.bullet else 0)
        lines = len(wrap(para.text, usable, size, para.bold))
        total += lines * size * LINE_SPACING
        if index < len(paras) - 1:
            total += para.space_after * size
    return total


def fit_size(paras: list[Para], width_pt: float, height_pt: float, max_pt: float, min_pt: float) -> float | None:
    """The largest base size (in half points) at which `paras` fit, or None.

    Binary search: the height grows with the size (wider letters, taller lines)."""
    sizes = [max_pt - 0.5 * i for i in range(int((max_pt - min_pt) * 2) + 1)]
    low, high = 0, len(sizes) - 1
    if paragraphs_height(paras, width_pt, sizes[high]) > height_pt:
        return None
    while low < high:
        middle = (low + high) // 2
        if paragraphs_height(paras, width_pt, sizes[middle]) <= height_pt:
            high = middle
        else:
            low = middle + 1
    return sizes[low]


MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def long_date(value: date, weekday: bool = False) -> str:
    text = f"{value.day}. {MONTHS[value.month - 1]} {value.year}"
    return f"{WEEKDAYS[value.weekday()]} {text}" if weekday else text


def short_date(value: date) -> str:
    """'6. feb. 2026': the site's Danish date (klyngepakke.formats), never '06.02.2026'."""
    return danish_date(value)


def clock(value: time) -> str:
    return value.strftime("%H.%M")


def number(value: float, decimals: int = 1) -> str:
    """Danish decimal comma, minus sign as a real minus."""
    text = f"{value:.{decimals}f}".replace(".", ",")
    return text.replace("-", MINUS)


def figure(value: float) -> str:
    """A figure the results layer already rounded to one decimal (a comparison group's
    mean), in Danish: formatting only, the digits are the results layer's."""
    return number(value, 1)


def percent_label(value: int) -> str:
    """A whole percent as a chart's data label."""
    return f"{value}{NBSP}%"


def signed(value: float, decimals: int = 1) -> str:
    return ("+" if value > 0 else "") + number(value, decimals)


NBSP = "\u00a0"


def percent(value: int | None) -> str:
    """A whole percent as the results layer rounded it; a no-break space keeps "%" with
    its number."""
    return DASH if value is None else f"{value}{NBSP}%"


def and_list(words: list[str]) -> str:
    """ "1, 2 og 3"."""
    return ", ".join(words[:-1]) + f" og {words[-1]}" if len(words) > 1 else "".join(words)
