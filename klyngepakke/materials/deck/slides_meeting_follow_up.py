""" "Opfølgning fra sidste møde" (the follow-up deck opens with it) and the measure points
the room may choose (every meeting whose package offers them).

Every string and number comes from `materials.meeting_follow_up`, which the results
layer wrote (results.serialize_meeting_follow_up); nothing is computed here.
"""

from __future__ import annotations

from typing import Any

from pptx.util import Inches

from ..context import MeetingMaterials
from .template import MUTED, Deck
from .text import DASH, Para

# Rows per slide of the measure point table, and free texts per slide.
POINTS_PER_SLIDE = 5
TEXTS_PER_SLIDE = 8
TICK_BOX = "\u2610"


def _pages(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def meeting_follow_up_slides(deck: Deck, m: MeetingMaterials) -> None:
    section = m.meeting_follow_up
    if not section:
        return
    _decisions_slide(deck, section)
    _measure_point_slides(deck, section)
    _answers_slides(deck, section)


def _decisions_slide(deck: Deck, section: dict[str, Any]) -> None:
    held = section["meeting_on_text"]
    subtitle = f"Det besluttede klyngen på mødet {held}" if held else "Det besluttede klyngen på sidste møde"
    slide, body = deck.slide(section["title"], subtitle)
    left, right = body.split_h(0.55, gap=Inches(0.4))
    decisions = section["decisions"]
    paras = [Para("Fokusområder", bold=True, color=deck.primary, space_after=0.3)]
    paras += [Para(area, bullet=True, space_after=0.3) for area in decisions["focus_areas"]] or [
        Para("Ingen fokusområder registreret.", color=MUTED)
    ]
    plan = "Opfølgning"
    if decisions["follow_up_package"]:
        # Quoted: the package's own title often starts with "Opfølgning" too.
        plan += f' med pakken "{decisions["follow_up_package"]}"'
    if decisions["follow_up_on_text"]:
        plan += f" omkring {decisions['follow_up_on_text']}"
    paras += [Para("Opfølgning", bold=True, color=deck.primary, space_after=0.3), Para(plan + ".", scale=0.9)]
    if decisions["topic_meetings"]:
        paras.append(Para(f"Temamøder: {decisions['topic_meetings']}", scale=0.9))
    points = [p["label"] for p in section["measure_points"]]
    if points:
        paras.append(Para("Målepunkter", bold=True, color=deck.primary, space_after=0.3))
        paras += [Para(label, bullet=True, scale=0.9, space_after=0.2) for label in dict.fromkeys(points)]
    deck.text(slide, left, paras, max_pt=24, min_pt=11, name="Beslutninger")
    lines = section["plans"]["lines"]
    plans = [Para("Praksissernes planer", bold=True, color=deck.primary, space_after=0.4)]
    plans += [Para(line, bullet=True, space_after=0.3) for line in lines]
    plans.append(Para("Kun antal: en praksis' plan er dens egen.", scale=0.7, color=MUTED))
    deck.text(slide, right, plans, max_pt=26, min_pt=12, name="Planer")


def _side(side: dict[str, Any]) -> str:
    return side["text"] if "withheld" not in side else f"Vises ikke ({side['text'].removeprefix('Vises ikke: ')})"


def _measure_point_slides(deck: Deck, section: dict[str, Any]) -> None:
    points = section["measure_points"]
    if not points:
        return
    pages = _pages(points, POINTS_PER_SLIDE)
    for number, page in enumerate(pages, start=1):
        title = "Målepunkter før og efter" + (f" ({number}/{len(pages)})" if len(pages) > 1 else "")
        slide, body = deck.slide(title, "Gennemsnit før mødet og nu; forskellen med 95 %-interval")
        table_box, text_box = body.split_v(int(body.height * 0.5), gap=Inches(0.2))
        rows = []
        for point in page:
            change = point["change"]
            difference = DASH
            if change is not None:
                difference = point["change_text"] + (f" ({change['ci_text']})" if change["ci_text"] else "")
            rows.append([point["label"], _side(point["before"]), _side(point["after"]), difference])
        deck.table(
            slide,
            table_box,
            ["Målepunkt", "Før", "Nu", "Forskel"],
            rows,
            [0.4, 0.2, 0.2, 0.2],
            max_pt=16,
            min_pt=9,
            name="Målepunkter",
        )
        paras = [Para(f"{p['label']}: {p['sentence']}{_hoped(p)}", scale=0.9, space_after=0.3) for p in page]
        deck.text(slide, text_box, paras, max_pt=18, min_pt=10, name="Udviklingen i ord")


def _hoped(point: dict[str, Any]) -> str:
    return f" Klyngen håbede: {point['hope']}" if point.get("hope") else ""


def _answers_slides(deck: Deck, section: dict[str, Any]) -> None:
    answers = section["change_answers"]
    subtitle = "Anonyme svar fra denne runde"
    if "withheld" in answers:
        slide, body = deck.slide("Det har praksis ændret", subtitle)
        deck.text(slide, body, [Para(answers["text"], color=MUTED)], max_pt=24, name="Ændringer")
        return
    for choice in answers["choices"]:
        slide, body = deck.slide("Det har praksis ændret", choice["text"])
        if "options" not in choice:
            deck.text(slide, body, [Para(choice["reason"], color=MUTED)], max_pt=24, name="Ændringer")
            continue
        rows = [
            [o["label"], str(o["count"]), f"{o['percent']} %" if o["percent"] is not None else DASH]
            for o in choice["options"]
        ]
        box, _rest = body.split_v(int(body.height * 0.7))
        deck.table(slide, box, ["Svar", "Antal", "Andel"], rows, [0.6, 0.2, 0.2], max_pt=20, name="Ændringer")
    for text in answers["texts"]:
        shown = text.get("shown_texts")
        if not shown:
            slide, body = deck.slide("Det har praksis ændret", text["text"])
            deck.text(slide, body, [Para(text["reason"], color=MUTED)], max_pt=24, name="Fritekst")
            continue
        pages = _pages(shown, TEXTS_PER_SLIDE)
        for number, page in enumerate(pages, start=1):
            # Numbered when the answers run over several slides, so the second does not
            # read as the same question asked again.
            heading = "Det har praksis ændret" + (f" ({number}/{len(pages)})" if len(pages) > 1 else "")
            slide, body = deck.slide(heading, text["text"])
            paras = [Para(answer, bullet=True, space_after=0.3) for answer in page]
            paras.append(Para("I tilfældig rækkefølge.", scale=0.7, color=MUTED))
            deck.text(slide, body, paras, max_pt=22, min_pt=11, name="Fritekst")


def measure_point_choice_slide(deck: Deck, m: MeetingMaterials) -> None:
    """The package's eligible measure points, for the room to choose what to follow up."""
    choices = m.measure_point_choices
    if not choices:
        return
    for number, page in enumerate(_pages(list(choices), 6), start=1):
        suffix = f" ({number})" if len(choices) > 6 else ""
        slide, body = deck.slide(
            "Hvilke målepunkter vil klyngen følge op på?" + suffix,
            "Vælg dem, I vil se igen ved opfølgningen; de samme spørgsmål stilles igen",
        )
        rows = [[TICK_BOX, c.hint or c.label, c.label if c.hint else ""] for c in page]
        deck.table(
            slide,
            body,
            ["Valgt", "Målepunkt", "Spørgsmål eller mål i spørgeskemaet"],
            rows,
            [0.1, 0.35, 0.55],
            max_pt=16,
            min_pt=9,
            name="Målepunkter at vælge",
        )
