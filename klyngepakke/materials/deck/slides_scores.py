"""Instrument scores with their bands (e.g. the WHO-5 with its 35 and 50 limits) and the
published reference values, from `materials.results` and the package's score
definitions (band limits are package data, never constants here)."""

from __future__ import annotations

from typing import Any

from pptx.enum.dml import MSO_LINE
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from ..context import MeetingMaterials
from .charts import Series, bar_chart, error_bars, set_plot_area
from .results_common import plain
from .slides_results import comparison_rows, means_chart
from .template import MUTED, Box, Deck, hex_rgb, mix
from .text import DASH, NBSP, Para, number, wrap_chars


def score_section(m: MeetingMaterials, code: str) -> str | None:
    definition = next((d for d in m.score_definitions if d["code"] == code), None)
    items = set(definition.get("items", [])) if definition else set()
    for item in m.results["group"]["items"]:
        if item["code"] in items:
            return str(item["section"])
    return m.themes[-1].code if m.themes else None


def scores_for_theme(deck: Deck, m: MeetingMaterials, theme_code: str) -> list[tuple[str, str]]:
    """The theme's score slides; returns (score, why) of each withheld score with
    nothing else to show (no comparison group or reference value to set it beside)."""
    group = m.results["group"]
    if "withheld" in group:
        return []
    withheld = []
    for score in group["scores"]:
        if score_section(m, score["code"]) != theme_code:
            continue
        rows, _notes = comparison_rows(m, score["code"], None, "score_means")
        if "withheld" in score and all(value is None for _, value, _, _ in rows):
            withheld.append((score["label"], score["text"]))
        else:
            score_slide(deck, m, score)
    return withheld


def score_slide(deck: Deck, m: MeetingMaterials, score: dict[str, Any]) -> None:
    definition = next((d for d in m.score_definitions if d["code"] == score["code"]), {})
    low, high = float(score["min"]), float(score["max"])
    scale = f"{number(low, 0)}{DASH}{number(high, 0)}"
    slide, body = deck.slide(score["label"], f"Fordeling og gennemsnit på en skala fra {scale}")
    main, foot = body.split_v(body.height - Inches(0.95), gap=Inches(0.1))
    left, right = main.split_h(0.42)
    bands = score.get("bands")
    limits = {b["code"]: b for b in definition.get("bands", [])}
    if isinstance(bands, list):
        labels, values, colours = [], [], []
        for band in bands:
            limit = limits.get(band["code"])
            span = f"{number(limit['min'], 0)}{DASH}{number(limit['max'], 0)}: " if limit else ""
            labels.append(wrap_chars(span + band["label"], 18, max_lines=4))
            values.append(band["count"])
            colours.append(deck.accent if limit and limit.get("seek_help") else deck.primary)
        seek = [i for i, c in enumerate(colours) if c == deck.accent]
        for rank, index in enumerate(seek[1:], start=1):
            colours[index] = mix(deck.accent, "FFFFFF", 0.4 * rank)
        bar_chart(
            slide,
            left,
            deck.created,
            labels,
            [Series("Antal", values, deck.primary, colours, [str(v) for v in values])],
            value_title="Antal læger",
            category_title=f"{score['label']} ({scale})",
            horizontal=False,
            number_format="0",
            legend=False,
            font_pt=12,
            name="Fordeling",
        )
    else:
        plain(deck, slide, left, score.get("text") or "Fordelingen vises ikke.")
    # A withheld score keeps the cluster's row in the means chart, marked "skjult".
    estimate = score.get("estimate") or (score if "withheld" in score else None)
    rows, notes = comparison_rows(m, score["code"], estimate, "score_means")
    chart = means_chart(
        deck, slide, right, rows, title=f"Gennemsnit ({scale})", maximum=high, chars=22, name="Gennemsnit"
    )
    plot = (0.38, 0.1, 0.56, 0.68)
    set_plot_area(chart, *plot)
    shown = list(reversed(rows))
    if isinstance(estimate, dict) and estimate.get("ci_low") is not None:
        index = [kind for _, _, kind, _ in shown].index("cluster")
        plus = [None] * len(shown)
        minus = [None] * len(shown)
        plus[index] = estimate["ci_high"] - estimate["mean"]
        minus[index] = estimate["mean"] - estimate["ci_low"]
        error_bars(chart, 0, plus, minus)
    boundaries = [float(b["max"]) for b in definition.get("bands", [])[:-1]]
    for value in boundaries:
        _band_line(deck, slide, right, plot, (value - low) / (high - low), number(value, 0))
    foot_paras = [_score_sentence(score)]
    if "withheld" in score:
        notes = [n for n in notes if not n.startswith("Klyngen:")]
    if boundaries:
        foot_paras.append(
            Para(
                f"Stiplede linjer: grænserne {' og '.join(number(b, 0) for b in boundaries)} mellem båndene. "
                "Den sorte streg er 95 %-konfidensintervallet for klyngens gennemsnit.",
                scale=0.85,
                color=MUTED,
                space_after=0.1,
            )
        )
    foot_paras += [Para(n, scale=0.85, color=MUTED, space_after=0.1) for n in notes]
    for reference in m.results.get("reference_values", []):
        if reference.get("measure") == score["code"]:
            citation = m.sources.get(reference["source"], {}).get("citation", reference["source"])
            foot_paras.append(Para(f"Kilde til referenceværdien: {citation}", scale=0.75, color=MUTED, space_after=0.1))
    deck.text(slide, foot, foot_paras, max_pt=15, min_pt=9, name="Forklaring")


def _score_sentence(score: dict[str, Any]) -> Para:
    if "withheld" in score:
        # The reason is the large text beside the chart.
        return Para("Klyngens gennemsnit og fordeling vises ikke.", bold=True, space_after=0.1)
    estimate = score.get("estimate")
    if not isinstance(estimate, dict) or estimate.get("mean") is None:
        text = estimate["text"] if isinstance(estimate, dict) and "text" in estimate else "Gennemsnittet vises ikke."
        return Para(text, bold=True, space_after=0.1)
    text = f"Klyngens gennemsnit: {estimate['mean_text']}"
    if estimate.get("ci_text"):
        text += f" (95 %-konfidensinterval {estimate['ci_text']})"
    text += f", median {estimate['median_text']}. {score['scored']} har fået en score."
    return Para(text, bold=True, space_after=0.1)


def _band_line(
    deck: Deck, slide: Any, box: Box, plot: tuple[float, float, float, float], fraction: float, label: str
) -> None:
    x0, y0, w, h = plot
    x = box.left + int(box.width * (x0 + w * fraction))
    top = box.top + int(box.height * y0)
    bottom = box.top + int(box.height * (y0 + h))
    line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x, top, x, bottom)
    line.line.color.rgb = hex_rgb(deck.accent)
    line.line.width = Pt(1.75)
    line.line.dash_style = MSO_LINE.DASH
    line.name = f"Grænse {label}"
    deck.text(
        slide,
        Box(x - Inches(0.4), top - Inches(0.36), Inches(0.8), Inches(0.34)),
        [Para(label, bold=True, color=deck.accent)],
        max_pt=12,
        min_pt=10,
        align=PP_ALIGN.CENTER,
        name=f"Grænse {label} tekst",
    )


def reference_slide(deck: Deck, m: MeetingMaterials) -> None:
    """Published reference values that belong to no measure of the questionnaire."""
    references = [r for r in m.results.get("reference_values", []) if not r.get("measure")]
    if not references:
        return
    slide, body = deck.slide("Til sammenligning", "Tal fra landsdækkende undersøgelser blandt praktiserende læger")
    gap = Inches(0.3)
    width = (body.width - gap * (len(references) - 1)) // len(references)
    for index, reference in enumerate(references):
        box = Box(body.left + index * (width + gap), body.top + Inches(0.2), width, min(Inches(3.6), body.height))
        deck.rect(slide, box, "F2F4F7")
        value = (
            f"{number(reference['value'], 0)}{NBSP}%" if reference["unit"] == "percent" else number(reference["value"])
        )
        citation = m.sources.get(reference["source"], {}).get("citation", reference["source"])
        inner = Box(box.left + Inches(0.2), box.top + Inches(0.2), box.width - Inches(0.4), box.height - Inches(0.4))
        deck.text(
            slide,
            inner,
            [
                Para(value, scale=2.2, bold=True, color=deck.accent, space_after=0.1),
                Para(f"{reference['label']} ({reference['year']})", space_after=0.6),
                Para(f"Kilde: {citation}", scale=0.65, color=MUTED),
            ],
            max_pt=24,
            min_pt=9,
            name=f"Reference {index + 1}",
        )
