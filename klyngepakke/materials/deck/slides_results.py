"""The cluster's results: one or two slides per question, grouped by theme, the
instrument scores with their bands, and published reference values.

Every number is read from `materials.results` as the results layer published it: a
withheld figure is never charted, and the slide says why in plain Danish.
"""

from __future__ import annotations

from typing import Any

from pptx.util import Inches

from ..context import MeetingMaterials, Theme
from .charts import Series, bar_chart
from .results_common import GREY, palette, plain, question_groups
from .template import MUTED, Box, Deck
from .text import DASH, Para, and_list, figure, number, percent, percent_label, wrap_chars


def theme_slides(deck: Deck, m: MeetingMaterials, theme: Theme) -> list[tuple[str, str]]:
    """The theme's question slides; returns (question, why) of each question withheld
    whole, which gets no slide of its own (see `withheld_summary_slide`)."""
    group = m.results["group"]
    if "withheld" in group:
        return []
    items = [i for i in group["items"] if i["section"] == theme.code]
    withheld: list[tuple[str, str]] = []
    for questions in question_groups(items):
        first = questions[0]
        if all("withheld" in q for q in questions):
            withheld += [(q["text"], q["reason"]) for q in questions]
        elif all(q.get("answered") == 0 for q in questions):
            # Nobody answered (routing, or every respondent skipped it): nothing to chart.
            withheld += [(q["text"], NOBODY) for q in questions]
        elif first["type"] == "multiple":
            multiple_slide(deck, m, theme, first)
        elif len(questions) == 1:
            choice_slide(deck, m, theme, first)
        else:
            matrix_slides(deck, m, theme, questions)
    return withheld


def withheld_summary_slide(deck: Deck, title: str, withheld: list[tuple[str, str]]) -> None:
    """One slide per theme saying in words which questions and scores are not shown and
    why (or that nobody answered), instead of a slide per figure with nothing on it."""
    if not withheld:
        return
    slide, body = deck.slide(title, "Det, der ikke vises for klyngen, og hvorfor")
    paras = []
    for text, why in withheld:
        paras.append(Para(text, bold=True, bullet=True, space_after=0.1))
        paras.append(Para(why, scale=0.85, color=MUTED, space_after=0.5))
    deck.text(slide, body, paras, max_pt=22, min_pt=10, name="Vises ikke")


def too_few_slide(deck: Deck, m: MeetingMaterials) -> None:
    """The group is under k: one plain slide instead of the results."""
    results = m.results
    slide, body = deck.slide("Klyngens resultater", "Runden fik for få besvarelser til at vise resultater")
    k = results["threshold"]
    deck.text(
        slide,
        Box(body.left, body.top + Inches(0.4), body.width, body.height - Inches(0.8)),
        [
            Para("Der er ingen resultater at vise fra denne runde.", bold=True, color=deck.primary, space_after=0.5),
            Para(results["group"]["text"], scale=0.8, space_after=0.6),
            Para(
                f"Der skal mindst {k} besvarelser til, før klyngens tal vises, så ingen kan genkendes. "
                "Brug i stedet refleksionsspørgsmålene og jeres egne erfaringer.",
                scale=0.75,
            ),
        ],
        max_pt=32,
        min_pt=16,
        name="Vises ikke",
    )


NOBODY = "Ingen har svaret på spørgsmålet."

# (label, rounded mean, kind, the mean's text as the data label)
Row = tuple[str, float | None, str, str | None]
WITHHELD_ROW = "skjult"


def comparison_rows(m: MeetingMaterials, code: str, estimate: Any, key: str) -> tuple[list[Row], list[str]]:
    """(label, mean, kind, text) for the cluster, each comparison group and each reference
    value of this measure, and plain notes for what is withheld. The cluster's row is
    always there: withheld, it is labelled "skjult" and the note says why."""
    rows: list[Row] = []
    notes: list[str] = []
    if isinstance(estimate, dict) and estimate.get("mean") is not None:
        rows.append(("Klyngen", estimate["mean"], "cluster", estimate["mean_text"]))
    else:
        rows.append((f"Klyngen ({WITHHELD_ROW})", None, "cluster", None))
        if isinstance(estimate, dict) and "withheld" in estimate:
            notes.append(f"Klyngen: {estimate['text']}")
    for comparison in m.results.get("comparisons", []):
        if comparison.get("withheld"):
            notes.append(f"{comparison['label']}: {comparison['text']}")
        elif code in comparison[key]:
            mean = comparison[key][code]
            rows.append((comparison["label"], mean, "comparison", figure(mean)))
    for reference in m.results.get("reference_values", []):
        if reference.get("measure") == code:
            value = reference["value"]
            rows.append((f"{reference['label']} ({reference['year']})", value, "reference", figure(value)))
    return rows, notes


def means_chart(
    deck: Deck,
    slide: Any,
    box: Box,
    rows: list[Row],
    *,
    title: str,
    maximum: float | None,
    chars: int,
    name: str,
) -> Any:
    """Horizontal bars of means, the cluster on top; a withheld cluster mean is a
    hatched "skjult" row when the axis has a fixed maximum, a labelled row otherwise."""
    shown = list(reversed(rows))
    colours = [
        deck.primary if kind == "cluster" else (deck.accent if kind == "reference" else GREY) for _, _, kind, _ in shown
    ]
    withheld = [i for i, (_, value, kind, _) in enumerate(shown) if kind == "cluster" and value is None]
    return bar_chart(
        slide,
        box,
        deck.created,
        [wrap_chars(label, chars, max_lines=4) for label, _, _, _ in shown],
        [Series("Gennemsnit", [v for _, v, _, _ in shown], deck.primary, colours, [t for _, _, _, t in shown])],
        value_title=title,
        category_title="Gruppe",
        number_format="0.0",
        axis_format="0",
        major_unit=None if maximum and maximum > 10 else 1,
        maximum=maximum,
        legend=False,
        font_pt=12,
        inside=True,
        withheld=withheld if maximum is not None else (),
        name=name,
    )


def choice_slide(deck: Deck, m: MeetingMaterials, theme: Theme, item: dict[str, Any]) -> None:
    slide, body = deck.slide(theme.title, item["text"])
    estimate = item.get("estimate")
    rows, notes = comparison_rows(m, item["code"], estimate, "item_means")
    # Withheld comparison groups are explained once, on the response slide.
    notes = [n for n in notes if n.startswith("Klyngen")]
    has_means = estimate is not None and any(v is not None for _, v, _, _ in rows)
    chart_box, panel = body.split_h(0.6) if has_means else (body, None)
    options = item["options"]
    note = " ".join(notes) if not has_means else ""
    chart_area, note_box = chart_box.split_v(chart_box.height - (Inches(0.55) if note else 0), gap=Inches(0.05))
    if any(o["percent"] is not None for o in options):
        shown = list(reversed(options))
        bar_chart(
            slide,
            chart_area,
            deck.created,
            [wrap_chars(o["label"], 24) for o in shown],
            [Series("Klyngen", [o["percent"] for o in shown], deck.primary, labels=_percent_labels(shown))],
            value_title="Andel af svarene (%)",
            category_title="Svar",
            maximum=100,
            legend=False,
            font_pt=14,
            name="Fordeling",
        )
    else:
        counts_table(deck, slide, chart_area, options)
    if note:
        deck.text(slide, note_box, [Para(note, italic=True, color=MUTED)], max_pt=12, min_pt=9, name="Note")
    if panel is not None:
        _means_panel(
            deck, slide, panel, rows, notes, answered=answered_text(m, item["answered"]), scale=item.get("scale")
        )


def _percent_labels(options: list[dict[str, Any]]) -> list[str | None]:
    return [None if o["percent"] is None else percent_label(o["percent"]) for o in options]


def answered_text(m: MeetingMaterials, answered: int) -> str:
    """How many answered a question, in words."""
    return f"{answered} har svaret på spørgsmålet."


def counts_table(deck: Deck, slide: Any, box: Box, options: list[dict[str, Any]]) -> None:
    """When no share can be shown, the counts as the results layer publishes them."""
    head, rest = box.split_v(Inches(0.5), gap=Inches(0.1))
    deck.text(
        slide,
        head,
        [Para("Ingen har valgt et af svarene, så der er ingen søjler at vise.", italic=True, color=MUTED)],
        max_pt=14,
        min_pt=10,
        name="Ingen søjler",
    )
    rows = [[o["label"], str(o["count"]), percent(o.get("percent"))] for o in options]
    deck.table(
        slide,
        rest,
        ["Svar", "Antal", "Andel"],
        rows,
        [0.6, 0.2, 0.2],
        max_pt=16,
        min_pt=10,
        align_right=(1, 2),
        name="Antal",
    )


def scale_text(scale: dict[str, Any] | None) -> str:
    """ " (1–4)": the range of an item's scale, for an axis or a heading."""
    return f" ({number(scale['min'], 0)}{DASH}{number(scale['max'], 0)})" if scale else ""


def _means_panel(
    deck: Deck,
    slide: Any,
    panel: Box,
    rows: list[Row],
    notes: list[str],
    *,
    answered: Any,
    scale: dict[str, Any] | None,
) -> None:
    head, rest = panel.split_v(Inches(0.9), gap=Inches(0.05))
    deck.text(
        slide,
        head,
        [
            Para(answered, bold=True, color=deck.primary, space_after=0.1),
            Para(f"Gennemsnit på svarskalaen{scale_text(scale)}:", scale=0.8, color=MUTED),
        ],
        max_pt=18,
        min_pt=12,
        name="Svar",
    )
    chart_box, note_box = rest.split_v(rest.height - (Inches(0.9) if notes else 0), gap=Inches(0.05))
    if any(v is not None for _, v, _, _ in rows):
        means_chart(
            deck,
            slide,
            chart_box,
            rows,
            title="Gennemsnit",
            maximum=float(scale["max"]) if scale else None,
            chars=16,
            name="Gennemsnit",
        )
    if notes:
        deck.text(
            slide,
            note_box,
            [Para(n, scale=1, color=MUTED, space_after=0.2) for n in notes],
            max_pt=12,
            min_pt=9,
            name="Note om gennemsnit",
        )


def matrix_slides(deck: Deck, m: MeetingMaterials, theme: Theme, items: list[dict[str, Any]]) -> None:
    shown = [i for i in items if "withheld" not in i]
    withheld = [(n, i) for n, i in enumerate(items, start=1) if "withheld" in i]
    slide, body = deck.slide(theme.title, "Fordelingen af svarene på hvert delspørgsmål")
    notes: list[str] = []
    for text in dict.fromkeys(i["reason"] for _, i in withheld):
        numbers = [str(n) for n, i in withheld if i["reason"] == text]
        notes.append(f"Delspørgsmål {and_list(numbers)}: {text}")
    chart_box, note_box = body.split_v(
        body.height - (Inches(0.3) + Inches(0.32) * len(notes) if notes else 0), gap=Inches(0.05)
    )
    if shown:
        labels = [o["label"] for o in shown[0]["options"]]
        colours = palette(deck, len(labels))
        rows = list(reversed(shown))
        series = [
            Series(
                label,
                [i["options"][index]["percent"] for i in rows],
                colours[index],
                labels=_percent_labels([i["options"][index] for i in rows]),
            )
            for index, label in enumerate(labels)
        ]
        number_of = {i["code"]: n for n, i in enumerate(items, start=1)}
        bar_chart(
            slide,
            chart_box,
            deck.created,
            [wrap_chars(f"{number_of[i['code']]}. {i['text']}", 34) for i in rows],
            series,
            value_title="Andel af svarene (%)",
            category_title="Delspørgsmål",
            stacked=True,
            maximum=100,
            font_pt=12,
            hide_below=7,
            no_labels=(len(labels),),
            name="Fordeling",
        )
    else:
        plain(deck, slide, chart_box, "Ingen af delspørgsmålene kan vises for klyngen.")
    if notes:
        deck.text(
            slide, note_box, [Para(n, color=MUTED, space_after=0.15) for n in notes], max_pt=14, min_pt=9, name="Note"
        )
    _matrix_means_slide(deck, m, theme, items)


def _matrix_means_slide(deck: Deck, m: MeetingMaterials, theme: Theme, items: list[dict[str, Any]]) -> None:
    comparisons = [c for c in m.results.get("comparisons", []) if not c.get("withheld")]
    clusters = [i.get("estimate", {}).get("mean") if isinstance(i.get("estimate"), dict) else None for i in items]
    # Worth a slide when there is something to compare, or most items have a mean.
    if not comparisons and sum(v is not None for v in clusters) * 2 < len(items):
        return
    slide, body = deck.slide(theme.title, "Gennemsnit pr. delspørgsmål: klyngen sammenlignet med andre")
    rows = list(reversed(list(enumerate(items, start=1))))
    # A withheld cluster mean keeps its row, labelled "skjult" (the note says why).
    categories = [
        wrap_chars(
            f"{n}. {i['text']}" if clusters[n - 1] is not None else f"{n}. {i['text']} (klyngen: {WITHHELD_ROW})", 34
        )
        for n, i in rows
    ]
    texts = [i["estimate"]["mean_text"] if clusters[n - 1] is not None else None for n, i in rows]
    series = [Series("Klyngen", [clusters[n - 1] for n, _ in rows], deck.primary, labels=texts)]
    greys = [GREY, "B4BAC1", "4D4D4D"]
    for index, comparison in enumerate(comparisons):
        means = [comparison["item_means"].get(i["code"]) for _, i in rows]
        labels = [None if v is None else figure(v) for v in means]
        series.append(Series(comparison["label"], means, greys[index % 3], labels=labels))
    # Horizontal bars draw the first series lowest: reversed, the cluster is on top.
    series.reverse()
    withheld = [
        (n, i["estimate"]["text"] if isinstance(i.get("estimate"), dict) and "text" in i["estimate"] else i["reason"])
        for n, i in enumerate(items, start=1)
        if clusters[n - 1] is None and ("withheld" in i or isinstance(i.get("estimate"), dict))
    ]
    notes = [
        f"Klyngens gennemsnit, delspørgsmål {and_list([str(n) for n, t in withheld if t == text])}: {text}"
        for text in dict.fromkeys(t for _, t in withheld)
    ]
    # The axis spans the items' scale (a matrix shares one scale).
    scales = [i["scale"] for i in items if i.get("scale")]
    scale = {"min": min(s["min"] for s in scales), "max": max(s["max"] for s in scales)} if scales else None
    chart_box, note_box = body.split_v(body.height - (Inches(0.45) if notes else 0), gap=Inches(0.05))
    bar_chart(
        slide,
        chart_box,
        deck.created,
        categories,
        series,
        value_title=f"Gennemsnit på svarskalaen{scale_text(scale)}",
        category_title="Delspørgsmål",
        number_format="0.0",
        axis_format="0",
        major_unit=1,
        maximum=float(scale["max"]) if scale else None,
        font_pt=11,
        name="Gennemsnit",
    )
    if notes:
        deck.text(slide, note_box, [Para(n, color=MUTED) for n in notes], max_pt=12, min_pt=9, name="Note")


def multiple_slide(deck: Deck, m: MeetingMaterials, theme: Theme, item: dict[str, Any]) -> None:
    slide, body = deck.slide(theme.title, f"{item['text']} (flere svar muligt)")
    options = item["options"]
    note = ""
    head = answered_text(m, item["answered"]) + " Søjlerne viser, hvor mange der har valgt hvert svar."
    head_box, rest = body.split_v(Inches(0.45), gap=Inches(0.05))
    deck.text(slide, head_box, [Para(head, color=MUTED)], max_pt=16, min_pt=11, name="Svar")
    chart_box, note_box = rest.split_v(rest.height - (Inches(0.5) if note else 0), gap=Inches(0.05))
    if any(o["count"] > 0 for o in options):
        shown = list(reversed(options))
        bar_chart(
            slide,
            chart_box,
            deck.created,
            [wrap_chars(o["label"], 30) for o in shown],
            [Series("Antal", [o["count"] for o in shown], deck.primary, labels=[str(o["count"]) for o in shown])],
            value_title="Antal læger, der har valgt svaret",
            category_title="Svar",
            number_format="0",
            legend=False,
            font_pt=14,
            name="Antal",
        )
    else:
        counts_table(deck, slide, chart_box, options)
    if note:
        deck.text(slide, note_box, [Para(note, italic=True, color=MUTED)], max_pt=12, min_pt=9, name="Note")
