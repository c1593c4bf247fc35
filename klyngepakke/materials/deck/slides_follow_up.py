"""Follow-up slides: what changed since the earlier round, from `materials.follow_up`.

Change per measure with 95 % intervals and in words, band counts before and after, and
the repeated questions' distributions side by side.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pptx.util import Inches

from ..context import MeetingMaterials
from .charts import WITHHELD_LABEL, Series, bar_chart, error_bars
from .results_common import GREY
from .template import MUTED, Deck
from .text import DASH, MINUS, NBSP, Para, figure, number, percent_label, short_date, wrap_chars


def _count_text(count: int | None, percent: int | None, withheld: bool = False) -> str:
    if count is None:
        return WITHHELD_LABEL if withheld else DASH
    return f"{count} ({percent}{NBSP}%)" if percent is not None else str(count)


def follow_up_slides(deck: Deck, m: MeetingMaterials) -> None:
    follow_up = m.follow_up
    if not follow_up:
        return
    before_round = follow_up["before_round"]
    before_date = date.fromisoformat(before_round["closed_on"]) if before_round.get("closed_on") else None
    before_label = f"Før ({short_date(before_date)})" if before_date else "Før"
    after_label = f"Nu ({short_date(m.data_date)})"
    _overview(deck, m, follow_up, before_date)
    for change in follow_up["changes"]:
        _change_slide(deck, change, before_label, after_label)
    themes = {t.code: t.title for t in m.themes}
    for distribution in follow_up["distributions"]:
        _distribution_slide(deck, themes.get(distribution["section"], ""), distribution, before_label, after_label)


def _overview(deck: Deck, m: MeetingMaterials, follow_up: dict[str, Any], before_date: date | None) -> None:
    slide, body = deck.slide(
        "Udvikling siden sidst", f"Opfølgning på klyngepakken {follow_up['before_round']['package_title']}"
    )
    table_box, text_box = body.split_v(Inches(1.6), gap=Inches(0.3))

    def answered(side: dict[str, Any]) -> str:
        respondents = side.get("respondents")
        if respondents is None:
            return f"færre end {m.results['threshold']} af {side['invited']}"
        return f"{respondents} af {side['invited']}"

    rows = [
        [
            "Sidste gang: " + follow_up["before_round"]["package_title"],
            short_date(before_date) if before_date else DASH,
            answered(follow_up["before"]),
        ],
        ["Nu: " + m.package_title, short_date(m.data_date), answered(follow_up["after"])],
    ]
    deck.table(
        slide,
        table_box,
        ["Runde", "Data pr.", "Besvarelser"],
        rows,
        [0.6, 0.18, 0.22],
        max_pt=18,
        min_pt=11,
        name="Runder",
    )
    paras = []
    for change in follow_up["changes"]:
        before, after = change.get("before") or {}, change.get("after") or {}
        if before.get("mean") is not None and after.get("mean") is not None:
            head = f"{change['label']}: {before['mean_text']} → {after['mean_text']}"
        else:
            head = change["label"]
        paras.append(Para(head, bold=True, color=deck.primary, space_after=0.15))
        paras.append(Para(change["sentence"], scale=0.85, space_after=0.6))
    if paras:
        deck.text(slide, text_box, paras, max_pt=22, min_pt=11, name="Udvikling")


def _change_slide(deck: Deck, change: dict[str, Any], before_label: str, after_label: str) -> None:
    low, high = float(change["min"]), float(change["max"])
    scale = f"{number(low, 0)}{DASH}{number(high, 0)}"
    slide, body = deck.slide(f"Udvikling: {change['label']}", "Gennemsnit før og nu med 95 %-konfidensintervaller")
    left, right = body.split_h(0.45)
    estimates = [change.get("before") or {}, change.get("after") or {}]
    means = [e.get("mean") for e in estimates]
    # A withheld mean is a hatched "skjult" column, never a missing or zero one.
    withheld = [i for i, e in enumerate(estimates) if e.get("mean") is None]
    chart = bar_chart(
        slide,
        left,
        deck.created,
        [
            f"{label} ({WITHHELD_LABEL})" if i in withheld else label
            for i, label in enumerate([before_label, after_label])
        ],
        [Series("Gennemsnit", means, deck.primary, [GREY, deck.primary], [e.get("mean_text") for e in estimates])],
        value_title=f"{change['label']} ({scale})",
        category_title="Runde",
        horizontal=False,
        number_format="0.0",
        axis_format="0",
        # Whole-number ticks: on a short scale an automatic step of 0,5 under a "0"
        # format would print "0 1 1 2 2".
        major_unit=None if high - low > 10 else 1,
        maximum=high,
        legend=False,
        font_pt=14,
        inside=True,
        withheld=withheld,
        name="Før og nu",
    )
    plus = [e["ci_high"] - e["mean"] if e.get("ci_high") is not None else None for e in estimates]
    minus = [e["mean"] - e["ci_low"] if e.get("ci_low") is not None else None for e in estimates]
    if any(v is not None for v in plus):
        error_bars(chart, 0, plus, minus)
    top, bottom = right.split_v(int(right.height * 0.5), gap=Inches(0.15))
    comparison = change.get("comparison")
    paras = []
    if comparison:
        paras.append(
            Para(
                f"Ændring: {signed_text(comparison)} point",
                bold=True,
                color=deck.primary,
                scale=1.3,
                space_after=0.1,
            )
        )
        if comparison.get("ci_low") is not None:
            paras.append(
                Para(
                    f"95 %-konfidensinterval for ændringen: {figure(comparison['ci_low'])} "
                    f"til {figure(comparison['ci_high'])} point",
                    scale=0.8,
                    color=MUTED,
                    space_after=0.4,
                )
            )
    paras.append(Para(change["sentence"], scale=0.9, space_after=0.3))
    for side, estimate in (("før", estimates[0]), ("nu", estimates[1])):
        if "withheld" in estimate:
            paras.append(Para(f"Gennemsnittet {side}: {estimate['text']}", scale=0.8, color=MUTED))
        elif estimate.get("mean") is None:
            paras.append(Para(f"Gennemsnittet {side} vises ikke.", scale=0.8, color=MUTED))
    deck.text(slide, top, paras, max_pt=20, min_pt=11, name="Ændring")
    bands = change.get("bands")
    if bands:
        # A side whose score is withheld says "skjult" in its column (the text above says why).
        hidden = ["withheld" in estimates[0], "withheld" in estimates[1]]
        rows = [
            [
                b["label"],
                _count_text(b["before"], b["before_percent"], hidden[0]),
                _count_text(b["after"], b["after_percent"], hidden[1]),
            ]
            for b in bands
        ]
        deck.table(
            slide,
            bottom,
            ["Antal læger i hvert bånd", "Før", "Nu"],
            rows,
            [0.56, 0.22, 0.22],
            max_pt=16,
            min_pt=10,
            align_right=(1, 2),
            name="Bånd før og nu",
        )


def _distribution_slide(
    deck: Deck, theme_title: str, distribution: dict[str, Any], before_label: str, after_label: str
) -> None:
    slide, body = deck.slide(f"Udvikling: {theme_title}" if theme_title else "Udvikling", distribution["text"])
    rows = list(reversed(distribution["rows"]))
    shown = any(r[key] is not None for r in rows for key in ("before_percent", "after_percent"))
    # With every share hidden a chart would be empty axes: the table says it all.
    left, right = body.split_h(0.58) if shown else (None, body)
    if left is not None:
        _distribution_chart(slide, deck, left, rows, before_label, after_label)
    _distribution_table(slide, deck, right, distribution)


def _distribution_chart(
    slide: Any, deck: Deck, left: Any, rows: list[dict[str, Any]], before_label: str, after_label: str
) -> None:
    bar_chart(
        slide,
        left,
        deck.created,
        [wrap_chars(r["label"], 22) for r in rows],
        # Horizontal bars draw the first series lowest: "before" above "now".
        [
            Series(
                after_label, [r["after_percent"] for r in rows], deck.primary, labels=_labels(rows, "after_percent")
            ),
            Series(before_label, [r["before_percent"] for r in rows], GREY, labels=_labels(rows, "before_percent")),
        ],
        value_title="Andel af svarene (%)",
        category_title="Svar",
        maximum=100,
        font_pt=13,
        name="Fordeling før og nu",
    )


def _labels(rows: list[dict[str, Any]], key: str) -> list[str | None]:
    return [None if r[key] is None else percent_label(r[key]) for r in rows]


def signed_text(comparison: dict[str, Any]) -> str:
    """The change as the results layer wrote it, with a plus for an increase."""
    text = str(comparison["difference_text"]).replace("-", MINUS)
    return f"+{text}" if comparison["difference"] > 0 else text


def _distribution_table(slide: Any, deck: Deck, right: Any, distribution: dict[str, Any]) -> None:
    table_rows = [
        [r["label"], _count_text(r["before"], r["before_percent"]), _count_text(r["after"], r["after_percent"])]
        for r in distribution["rows"]
    ]
    deck.table(
        slide,
        right,
        ["Svar", "Før", "Nu"],
        table_rows,
        [0.5, 0.25, 0.25],
        max_pt=16,
        min_pt=10,
        align_right=(1, 2),
        name="Antal før og nu",
    )
