"""Solo doctors and partnerships side by side, when the results layer shows the
subgroups (`results["subgroups"]`): one slide per score (means with 95 % intervals and
band counts) and one slide with the questions where their means differ most.

Every figure is the results layer's (`mean_text`, `ci_text`, `count`, `percent`); a
withheld subgroup table is said in words, and a withheld subgroup mean is a hatched
"skjult" bar, never a missing one.
"""

from __future__ import annotations

from typing import Any

from pptx.util import Inches

from ..context import MeetingMaterials
from .charts import Series, bar_chart, error_bars
from .results_common import GREY
from .template import MUTED, Deck, mix
from .text import DASH, NBSP, Para, and_list, number, wrap_chars

# The questions listed on the "differ most" slide.
MOST_DIFFERENT = 5


def shown_subgroups(m: MeetingMaterials) -> list[dict[str, Any]]:
    """The subgroups the results layer shows, in its order; none when the cluster is
    withheld or fewer than two can be shown."""
    if "withheld" in m.results["group"]:
        return []
    shown = [s for s in m.results.get("subgroups", {}).values() if "withheld" not in s]
    return shown if len(shown) >= 2 else []


def subgroup_slides(deck: Deck, m: MeetingMaterials) -> None:
    subgroups = shown_subgroups(m)
    if not subgroups:
        return
    for score in m.results["group"]["scores"]:
        _score_slide(deck, m, score, subgroups)
    _items_slide(deck, m, subgroups)


def _by_code(group: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    return {entry["code"]: entry for entry in group.get(key, [])}


def _names(subgroups: list[dict[str, Any]]) -> str:
    return and_list([s["label"].lower() for s in subgroups])


def _score_slide(deck: Deck, m: MeetingMaterials, score: dict[str, Any], subgroups: list[dict[str, Any]]) -> None:
    low, high = float(score["min"]), float(score["max"])
    scale = f"{number(low, 0)}{DASH}{number(high, 0)}"
    slide, body = deck.slide(f"{score['label']}: {_names(subgroups)}", f"Undergrupperne side om side, skala {scale}")
    # The means across the top, the table with the bands under it at full width.
    left, right = body.split_v(int(body.height * 0.4), gap=Inches(0.1))
    groups = [("Klyngen", m.results["group"], deck.primary)] + [
        (s["label"], s, GREY if index else mix(deck.primary, "FFFFFF", 0.35)) for index, s in enumerate(subgroups)
    ]
    entries = [_by_code(g, "scores").get(score["code"]) or {} for _, g, _ in groups]
    estimates = [e.get("estimate") if isinstance(e.get("estimate"), dict) else {} for e in entries]
    means = [est.get("mean") for est in estimates]
    withheld = [i for i, v in enumerate(means) if v is None]
    # Horizontal bars are drawn bottom-up: reversed, the cluster is on top.
    order = list(reversed(range(len(groups))))
    chart = bar_chart(
        slide,
        left,
        deck.created,
        [wrap_chars(groups[i][0] + (" (skjult)" if i in withheld else ""), 30) for i in order],
        [
            Series(
                "Gennemsnit",
                [means[i] for i in order],
                deck.primary,
                [groups[i][2] for i in order],
                [estimates[i].get("mean_text") for i in order],
            )
        ],
        value_title=f"Gennemsnit ({scale})",
        category_title="Gruppe",
        number_format="0.0",
        axis_format="0",
        major_unit=None if high - low > 10 else 1,  # whole-number ticks on a short scale
        maximum=high,
        legend=False,
        font_pt=13,
        inside=True,
        withheld=[order.index(i) for i in withheld],
        name="Undergrupper gennemsnit",
    )
    plus = [
        estimates[i]["ci_high"] - estimates[i]["mean"] if estimates[i].get("ci_high") is not None else None
        for i in order
    ]
    minus = [
        estimates[i]["mean"] - estimates[i]["ci_low"] if estimates[i].get("ci_low") is not None else None for i in order
    ]
    if any(v is not None for v in plus):
        error_bars(chart, 0, plus, minus)
    table_box, note_box = right.split_v(int(right.height * 0.74), gap=Inches(0.05))
    header = ["", *[f"{label} ({g['respondents']})" for label, g, _ in groups]]
    rows = [["Gennemsnit (95 %-KI)", *[_mean_cell(e, est) for e, est in zip(entries, estimates, strict=True)]]]
    bands = [e.get("bands") if isinstance(e.get("bands"), list) else None for e in entries]
    labels = next((b for b in bands if b), [])
    for index, band in enumerate(labels):
        rows.append([band["label"], *[_band_cell(b[index]) if b else "skjult" for b in bands]])
    deck.table(
        slide,
        table_box,
        header,
        rows,
        [0.34, *[0.66 / len(groups)] * len(groups)],
        max_pt=14,
        min_pt=9,
        align_right=tuple(range(1, len(groups) + 1)),
        name="Undergrupper bånd",
    )
    notes = [
        Para(
            f"{groups[i][0]}: {entries[i].get('text') or estimates[i].get('text') or 'Vises ikke.'}",
            scale=0.9,
            color=MUTED,
        )
        for i in withheld
    ]
    notes.append(
        Para(
            "Tallene i parentes er antal besvarelser i gruppen; båndene viser antal læger og andel. "
            "Den sorte streg er 95 %-konfidensintervallet.",
            scale=0.8,
            color=MUTED,
        )
    )
    deck.text(slide, note_box, notes, max_pt=14, min_pt=9, name="Note")


def _mean_cell(entry: dict[str, Any], estimate: dict[str, Any]) -> str:
    if estimate.get("mean") is None:
        return "skjult"
    return f"{estimate['mean_text']} ({estimate['ci_text']})" if estimate.get("ci_text") else estimate["mean_text"]


def _band_cell(band: dict[str, Any]) -> str:
    return f"{band['count']} ({band['percent']}{NBSP}%)" if band["percent"] is not None else str(band["count"])


def _items_slide(deck: Deck, m: MeetingMaterials, subgroups: list[dict[str, Any]]) -> None:
    """The questions whose means differ most between the first two subgroups, both
    means as the results layer wrote them; withheld tables are said in words."""
    first, second = (_by_code(s, "items") for s in subgroups[:2])
    paired = []
    withheld: dict[str, list[str]] = {}
    for item in m.results["group"]["items"]:
        if "withheld" in item:
            continue
        a, b = first.get(item["code"]), second.get(item["code"])
        for entry in (a, b):
            if entry and "withheld" in entry:
                withheld.setdefault(entry["reason"], [])
                if item["text"] not in withheld[entry["reason"]]:
                    withheld[entry["reason"]].append(item["text"])
        means = [(e or {}).get("estimate") for e in (a, b)]
        if all(isinstance(x, dict) and x.get("mean") is not None for x in means):
            # Ordered by the published (rounded) means: the gap itself is not shown.
            paired.append((abs(means[0]["mean"] - means[1]["mean"]), item, means[0], means[1]))
    if not paired and not withheld:
        return
    paired.sort(key=lambda p: -p[0])
    slide, body = deck.slide(
        f"Hvor {_names(subgroups[:2])} svarer mest forskelligt",
        "Gennemsnit på svarskalaen for de spørgsmål, hvor grupperne ligger længst fra hinanden",
    )
    table_box, note_box = body.split_v(int(body.height * (0.7 if withheld else 1.0)), gap=Inches(0.1))
    if paired:
        deck.table(
            slide,
            table_box,
            ["Spørgsmål", subgroups[0]["label"], subgroups[1]["label"]],
            [[item["text"], x["mean_text"], y["mean_text"]] for _, item, x, y in paired[:MOST_DIFFERENT]],
            [0.56, 0.22, 0.22],
            max_pt=16,
            min_pt=10,
            align_right=(1, 2),
            name="Største forskelle",
        )
    if withheld:
        paras = [
            Para(f"{len(texts)} spørgsmål vises ikke for undergrupperne. {reason}", scale=0.9, color=MUTED)
            for reason, texts in withheld.items()
        ]
        deck.text(slide, note_box, paras, max_pt=14, min_pt=9, name="Vises ikke")
