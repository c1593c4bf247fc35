"""The meeting's own slides: title, program, response rate, reflection questions,
implementation and follow-up, offers and where to get help. Texts from the package,
dates from the order, the response count from the results layer."""

from __future__ import annotations

from typing import Any

from pptx.enum.text import MSO_ANCHOR
from pptx.util import Inches, Pt

from ..context import MeetingMaterials, OfferEntry, ProgramSlot
from .charts import doughnut
from .template import MUTED, SLIDE_W, Box, Deck, mix, pt, table_fits
from .text import DASH, NBSP, Para, clock, fit_size, long_date, paragraphs_height, short_date


def title_slide(deck: Deck, m: MeetingMaterials) -> None:
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[6])
    band = Box(0, 0, SLIDE_W, Inches(4.5))
    deck.rect(slide, band, deck.primary)
    deck.rect(slide, Box(0, band.bottom, SLIDE_W, Inches(0.08)), deck.accent)
    inner = SLIDE_W - 2 * Inches(0.8)
    deck.text(
        slide,
        Box(Inches(0.8), Inches(0.7), inner, Inches(0.5)),
        [Para("Klyngemøde", color=mix(deck.primary, "FFFFFF", 0.7))],
        max_pt=18,
        min_pt=14,
        name="Overtitel",
    )
    deck.text(
        slide,
        Box(Inches(0.8), Inches(1.25), inner, Inches(1.9)),
        [Para(m.package_title, bold=True, color="FFFFFF")],
        max_pt=44,
        min_pt=28,
        anchor=MSO_ANCHOR.MIDDLE,
        name="Titel",
    )
    deck.text(
        slide,
        Box(Inches(0.8), Inches(3.3), inner, Inches(0.9)),
        [Para(m.cluster_name, color="FFFFFF")],
        max_pt=28,
        min_pt=18,
        name="Klynge",
    )
    deck.text(
        slide, Box(Inches(0.8), Inches(4.9), inner, Inches(1.9)), meeting_lines(m), max_pt=22, min_pt=14, name="Mødet"
    )
    deck.footer(slide)


def meeting_lines(m: MeetingMaterials) -> list[Para]:
    if m.meeting_date is None:
        when = "Mødedatoen er ikke fastlagt endnu"
    else:
        when = long_date(m.meeting_date, weekday=True).capitalize()
        if m.program and m.program[0].starts and m.program[-1].ends:
            when += f" kl. {clock(m.program[0].starts)}{DASH}{clock(m.program[-1].ends)}"
    lines = [Para(when, bold=True)]
    if m.meeting_place:
        lines.append(Para(m.meeting_place))
    lines.append(
        Para(f"{m.region_name} · data fra spørgeskemaet pr. {short_date(m.data_date)}", scale=0.75, color=MUTED)
    )
    return lines


def program_slide(deck: Deck, m: MeetingMaterials) -> None:
    total = (
        f"{m.meeting_minutes // 60} t. {m.meeting_minutes % 60} min."
        if m.meeting_minutes % 60
        else f"{m.meeting_minutes // 60} timer"
    )
    slide, body = deck.slide(
        "Program", f"Mødet varer {total}" + (f" · {long_date(m.meeting_date)}" if m.meeting_date else "")
    )
    table_box = body
    if m.program_notes:
        table_box, notes_box = body.split_v(body.height - Inches(0.75))
        deck.text(
            slide,
            notes_box,
            [Para(f"Bemærk: {m.program_notes}", italic=True, color=MUTED)],
            max_pt=16,
            min_pt=11,
            name="Programnoter",
        )
    timed = all(slot.starts for slot in m.program)
    header = ["Tid", "Punkt", "Minutter"] if timed else ["Punkt", "Minutter"]
    widths = [0.17, 0.71, 0.12] if timed else [0.86, 0.14]
    # Full descriptions when they fit at a readable size, else the first sentence, else titles.
    rows: list[list[Any]] = []
    for detail in ("full", "first", "none"):
        rows = [
            ([_slot_time(slot)] if timed else []) + [_slot_cell(slot, detail), str(slot.minutes)] for slot in m.program
        ]
        if table_fits(header, rows, widths, table_box, 13):
            break
    deck.table(
        slide, table_box, header, rows, widths, max_pt=18, min_pt=11, align_right=(len(header) - 1,), name="Program"
    )


def _slot_time(slot: ProgramSlot) -> str:
    if slot.starts and slot.ends:
        return f"{clock(slot.starts)}{DASH}{clock(slot.ends)}"
    return DASH


def _slot_cell(slot: ProgramSlot, detail: str) -> list[Para]:
    paras = [Para(slot.title, bold=True, space_after=0.15)]
    text = slot.description
    if detail == "first" and ". " in text:
        text = text.split(". ")[0] + "."
    if text and detail != "none":
        paras.append(Para(text, scale=0.8, color=MUTED, space_after=0))
    return paras


def response_slide(deck: Deck, m: MeetingMaterials) -> None:
    results = m.results
    group = results["group"]
    invited = results["invited"]
    slide, body = deck.slide("Svarprocent", "Hvor mange af klyngens læger har svaret på spørgeskemaet?")
    left, right = body.split_h(0.55)
    if "withheld" in group:
        big = f"Færre end {results['threshold']}"
        lines = [
            Para(f"af {invited} inviterede har svaret.", scale=0.5),
            Para(group["text"], scale=0.4, color=MUTED),
            Para(
                f"Klyngens resultater vises kun, når mindst {results['threshold']} har svaret, så ingen kan genkendes.",
                scale=0.4,
                color=MUTED,
            ),
        ]
    else:
        answered = group["respondents"]
        big = f"{answered} af {invited}"
        # The response rate as the results layer rounded it (outputs compute no figure).
        rate = m.results.get("response_percent")
        said = f"inviterede læger har svaret ({rate}{NBSP}%)." if rate is not None else "inviterede læger har svaret."
        lines = [Para(said, scale=0.5)]
        doughnut(
            slide,
            Box(right.left, right.top, right.width, right.height),
            deck.created,
            ["Har svaret", "Har ikke svaret"],
            [answered, invited - answered],
            [deck.primary, "A5A5A5"],
            name="Svarprocent",
        )
    lines = [Para(big, bold=True, color=deck.primary, space_after=0.1), *lines]
    for name, sub in results.get("subgroups", {}).items():
        label = sub.get("label", name)
        if "withheld" not in sub:
            text = f"{sub['respondents']} besvarelser"
        elif sub["text"] == "Vises ikke.":
            text = "vises ikke for sig, fordi gruppen er for lille"
        else:
            text = sub["text"]
        lines.append(Para(f"{label}: {text}", scale=0.35, bullet=True, space_after=0.2))
    for comparison in results.get("comparisons", []):
        if comparison.get("withheld"):
            text = comparison["text"]
        else:
            text = f"{comparison['rounds']} klynger, {comparison['respondents']} besvarelser"
        lines.append(Para(f"Sammenligning, {comparison['label']}: {text}", scale=0.35, bullet=True, space_after=0.2))
    target = left if "withheld" not in group else body
    deck.text(slide, target, lines, max_pt=72, min_pt=32, name="Besvarelser")


def reflection_slides(deck: Deck, m: MeetingMaterials) -> None:
    for slot in m.program:
        if not slot.reflections:
            continue
        timing = f"{_slot_time(slot)} ({slot.minutes} min.)" if slot.starts else f"{slot.minutes} min."
        slide, body = deck.slide(f"Refleksion: {slot.title}", timing)
        paras: list[Para] = []
        if slot.description and len(slot.description) <= 220:
            paras.append(Para(slot.description, scale=0.7, color=MUTED, space_after=0.6))
        for number, question in enumerate(slot.reflections, start=1):
            paras.append(Para(f"{number}. {question.text}", space_after=0.15 if not question.for_solo else 0.5))
            if not question.for_solo:
                paras.append(
                    Para(
                        "Sololæger springer dette spørgsmål over.",
                        scale=0.75,
                        italic=True,
                        color=deck.accent,
                        space_after=0.5,
                    )
                )
        solo = [str(n) for n, q in enumerate(slot.reflections, start=1) if q.for_solo]
        if len(solo) < len(slot.reflections):
            which = ", ".join(solo[:-1]) + f" og {solo[-1]}" if len(solo) > 1 else (solo[0] if solo else "")
            rule = f"Sololæger svarer kun på spørgsmål {which}." if solo else "Sololæger springer spørgsmålene over."
            paras.append(Para(rule, scale=0.75, bold=True, color=deck.accent))
        deck.text(slide, body, paras, max_pt=30, min_pt=13, name="Refleksionsspørgsmål")


def implementation_slide(deck: Deck, m: MeetingMaterials) -> None:
    slide, body = deck.slide("Implementering og opfølgning", "Hvad beslutter vi i dag, og hvornår følger vi op?")
    left, right = body.split_h(0.5, gap=Inches(0.4))
    during = [e for e in m.runbook if e.phase == "during" and e.role != "facilitator"]
    after = [e for e in m.runbook if e.phase == "after"]
    first = [Para("Det beslutter vi på mødet", bold=True, color=deck.primary, space_after=0.4)] + [
        Para(f"{e.role_label}: {e.task}", scale=0.85, bullet=True, space_after=0.4) for e in during
    ]
    paras = [Para("Efter mødet", bold=True, color=deck.primary, space_after=0.4)]
    for entry in after:
        due = f"senest {short_date(entry.due)}" if entry.due else (entry.when or "efter aftale")
        due = due[:1].lower() + due[1:]
        paras.append(Para(f"{entry.role_label} ({due}): {entry.task}", scale=0.85, bullet=True, space_after=0.4))
    # Both columns in one size.
    size = min(fit_size(p, pt(left.width), pt(left.height), 24, 11) or 11 for p in (first, paras))
    deck.text(slide, left, first, max_pt=size, min_pt=min(size, 11), name="Under mødet")
    deck.text(slide, right, paras, max_pt=size, min_pt=min(size, 11), name="Efter mødet")


def offer_slides(deck: Deck, m: MeetingMaterials) -> None:
    national = list(m.national_offers)
    for page in pages([_offer_card(o) for o in national]):
        _cards(deck, "Tilbud: nationalt", "Uddannelse og pakker, klinikken kan bruge i det videre arbejde", page)
    regional = [_offer_card(o) for o in m.regional_offers]
    if not regional:
        regional = [[Para(f"Pakken nævner ingen særlige tilbud i {m.region_name}.", color=MUTED)]]
    for page in pages(regional):
        _cards(deck, f"Tilbud i {m.region_name}", "Klyngens egen regionale kvalitetsenhed", page)


def help_slide(deck: Deck, m: MeetingMaterials) -> None:
    if not m.help_contacts:
        return
    cards = []
    for contact in m.help_contacts:
        description = contact.get("description")
        text = description.get("da", "") if isinstance(description, dict) else str(description or "")
        cards.append(
            [Para(str(contact.get("name", "")), bold=True, color=deck.primary, space_after=0.3), Para(text, scale=0.85)]
        )
    for page in pages(cards):
        _cards(
            deck,
            "Her kan du få hjælp",
            "Svarene er anonyme: ingen ved, hvem der har det svært. Alle kan bruge disse tilbud.",
            page,
        )


def _offer_card(offer: OfferEntry) -> list[Para]:
    paras = [
        Para(offer.title, bold=True, space_after=0.2),
        Para(f"{offer.provider} · {offer.audience}", scale=0.75, color=MUTED, space_after=0.35),
        Para(offer.description, scale=0.8),
    ]
    if offer.url:
        paras.append(Para(offer.url, scale=0.7, color=MUTED))
    return paras


def pages(items: list[Any], most: int = 4) -> list[list[Any]]:
    """`items` in as few pages of at most `most` as possible, balanced (9 -> 3, 3, 3)."""
    if not items:
        return []
    count = -(-len(items) // most)
    per = -(-len(items) // count)
    return [items[i : i + per] for i in range(0, len(items), per)]


def _cards(deck: Deck, title: str, subtitle: str, cards: list[list[Para]]) -> None:
    """Up to four cards on one slide, all in one font size."""
    slide, body = deck.slide(title, subtitle)
    columns = {1: 1, 2: 2, 3: 3}.get(len(cards), 2)
    rows = -(-len(cards) // columns)
    gap = Inches(0.25)
    width = (body.width - gap * (columns - 1)) // columns
    height = (body.height - gap * (rows - 1)) // rows
    inner_w, inner_h = width - Inches(0.3), height - Inches(0.16)
    size = min(fit_size(paras, pt(inner_w), pt(inner_h), 22, 10) or 10 for paras in cards)
    if rows == 1:
        # One row: as tall as the tallest card needs, not the whole slide.
        needed = max(paragraphs_height(paras, pt(inner_w), size) for paras in cards)
        height = min(height, max(Inches(2.2), Pt(needed) + Inches(0.5)))
        inner_h = height - Inches(0.16)
    for index, paras in enumerate(cards):
        row, column = divmod(index, columns)
        box = Box(body.left + column * (width + gap), body.top + row * (height + gap), width, height)
        deck.rect(slide, box, "F2F4F7")
        deck.rect(slide, Box(box.left, box.top, Inches(0.08), box.height), deck.accent)
        inner = Box(box.left + Inches(0.2), box.top + Inches(0.08), inner_w, inner_h)
        deck.text(slide, inner, paras, max_pt=size, min_pt=min(size, 10), name=f"Kort {index + 1}")
