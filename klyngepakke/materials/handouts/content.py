"""The five handouts as neutral blocks, built once from the meeting's materials.

Every text comes from `MeetingMaterials` (the package file, the order and the round);
the only strings here are the handouts' own headings and form labels.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..context import ROLE_LABELS, MeetingMaterials, OfferEntry, ProgramSlot
from .blocks import Block, Cell, Column, Facts, Handout, Heading, Lines, Paragraph, Question, Table, da_date, da_time

DASH = "\u2013"  # en dash between times
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
SOLO_NOTE = "Sololæger springer dette spørgsmål over."
PLAN_COLUMNS = (
    Column("Hvad vil vi ændre?", 1.35),
    Column("Hvorfor?", 1.15),
    Column("Første skridt", 1.25),
    Column("Hvem?", 0.75),
    Column("Hvornår?", 0.7),
    Column("Hvordan ved vi, at det virker?", 1.35),
)
PLAN_ROWS = 4


def _handout(m: MeetingMaterials, title: str, blocks: list[Block], *, landscape: bool = False) -> Handout:
    return Handout(
        title=title,
        subtitle=f"{m.package_title} · {m.cluster_name}",
        blocks=tuple(blocks),
        footer=m.footer,
        primary=str(m.style["primary"]),
        accent=str(m.style["accent"]),
        created=m.data_date,
        landscape=landscape,
    )


def long_date(value: date | None) -> str:
    return f"{WEEKDAYS[value.weekday()]} {da_date(value)}" if value else ""


def slot_time(slot: ProgramSlot) -> str:
    if slot.starts is None or slot.ends is None:
        return ""
    if slot.starts == slot.ends:
        return da_time(slot.starts)
    return f"{da_time(slot.starts)}{DASH}{da_time(slot.ends)}"


def meeting_time(m: MeetingMaterials) -> str:
    if not m.program or m.program[0].starts is None:
        return ""
    return f"{da_time(m.program[0].starts)}{DASH}{da_time(m.program[-1].ends)}"


def _meeting_facts(m: MeetingMaterials) -> Facts:
    return Facts((("Dato", long_date(m.meeting_date)), ("Tid", meeting_time(m)), ("Sted", m.meeting_place)))


def program(m: MeetingMaterials) -> Handout:
    blocks: list[Block] = [_meeting_facts(m), Heading("Program")]
    timed = any(slot.starts for slot in m.program)
    columns = (Column("Programpunkt", 5.2), Column("Varighed", 0.95))
    rows = tuple(
        (
            Cell(slot.title, detail=slot.description, bold=True),
            Cell(f"{slot.minutes} min." if slot.minutes else "", muted=True),
        )
        for slot in m.program
    )
    if timed:  # the clock times once the meeting's start is planned
        columns = (Column("Tid", 1.35), *columns)
        rows = tuple((Cell(slot_time(slot), bold=True), *row) for slot, row in zip(m.program, rows, strict=True))
    blocks.append(Table(columns, rows))
    if m.program_notes:
        blocks += [Heading("Bemærkninger"), Paragraph(m.program_notes)]
    if m.purpose:
        blocks.append(Heading("Formålet med mødet"))
        blocks += [Paragraph(text, bullet=True) for text in m.purpose]
    return _handout(m, "Program for klyngemødet", blocks)


def runbook(m: MeetingMaterials) -> Handout:
    blocks: list[Block] = [
        Facts(
            (
                ("Mødedato", long_date(m.meeting_date)),
                ("Mødetid", meeting_time(m)),
                ("Sted", m.meeting_place),
                ("Spørgeskemaet", f"åbnet {da_date(m.opened_on)}, lukket {da_date(m.closed_on)}"),
            )
        ),
        Heading("Roller"),
    ]
    # Roles held by one person each; "the members" are everyone.
    roles = {entry.role for entry in m.runbook} - {"member"}
    blocks.append(
        Table(
            (Column("Rolle", 1.3), Column("Navn", 1.6), Column("Telefon og e-mail", 1.6)),
            tuple((Cell(label, bold=True), Cell(), Cell()) for role, label in ROLE_LABELS.items() if role in roles),
        )
    )
    phases: dict[str, str] = {}
    for entry in m.runbook:
        phases.setdefault(entry.phase, entry.phase_label)
    for phase, label in phases.items():
        entries = [e for e in m.runbook if e.phase == phase]
        blocks.append(Heading(label))
        blocks.append(
            Table(
                (Column("", 0.3), Column("Opgave", 4.2), Column("Hvem", 1.6), Column("Senest", 1.25)),
                tuple(
                    (Cell(), Cell(e.task, detail=e.when), Cell(e.role_label), Cell(da_date(e.due), bold=True))
                    for e in entries
                ),
                tick=True,
            )
        )
    if m.contact:
        blocks += [Heading("Kontakt"), Paragraph(m.contact)]
    return _handout(m, "Drejebog for klyngekoordinatoren", blocks)


def notes(m: MeetingMaterials) -> Handout:
    blocks: list[Block] = [_meeting_facts(m)]
    for slot in m.program:
        if not slot.reflections and not slot.description:
            continue  # a break: nothing to note
        when = slot_time(slot)
        blocks.append(Heading(f"{when}  {slot.title}" if when else slot.title))
        if slot.reflections:
            blocks += [Question(r.text, lines=4, note="" if r.for_solo else SOLO_NOTE) for r in slot.reflections]
        else:
            blocks.append(Lines(3))
    if m.measure_point_choices:
        # The room chooses what to follow up: a tick box per eligible measure point.
        blocks.append(Heading("Målepunkter vi vil følge op på"))
        blocks.append(
            Table(
                (Column("", 0.3), Column("Målepunkt", 2.6), Column("Det håber vi at se", 3.6)),
                tuple(
                    (Cell(), Cell(c.hint or c.label, detail=c.label if c.hint else ""), Cell())
                    for c in m.measure_point_choices
                ),
                tick=True,
            )
        )
    blocks += [Heading("Andre noter"), Lines(6)]
    return _handout(m, "Mødenoter", blocks)


def implementation_plan(m: MeetingMaterials) -> Handout:
    blocks: list[Block] = [
        Facts((("Praksis", ""), ("Udfyldt af", ""), ("Dato", "")), inline=True),
        Table(PLAN_COLUMNS, blank_rows=PLAN_ROWS, blank_height=3),
        Facts((("Vi følger op på planen den", ""),)),
    ]
    return _handout(m, "Implementeringsplan for praksis", blocks, landscape=True)


def _offer(offer: OfferEntry) -> list[Block]:
    blocks: list[Block] = [
        Heading(offer.title, level=2),
        Paragraph(f"{offer.provider} · Målgruppe: {offer.audience}", muted=True),
        Paragraph(offer.description),
    ]
    if offer.url:
        blocks.append(Paragraph(offer.url, muted=True))
    return blocks


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("da", ""))
    return "" if value is None else str(value)


def offers(m: MeetingMaterials) -> Handout:
    blocks: list[Block] = [Heading("Nationale tilbud")]
    for offer in m.national_offers:
        blocks += _offer(offer)
    if m.regional_offers:
        blocks.append(Heading(f"Tilbud i {m.region_name}"))
        for offer in m.regional_offers:
            blocks += _offer(offer)
    if m.help_contacts:
        blocks.append(Heading("Hvis du har brug for hjælp"))
        for contact in m.help_contacts:
            blocks += [Heading(_text(contact["name"]), level=2), Paragraph(_text(contact.get("description")))]
            reach = " · ".join(_text(contact[key]) for key in ("phone", "url") if contact.get(key))
            if reach:
                blocks.append(Paragraph(reach, muted=True))
    return _handout(m, "Tilbud til det videre arbejde", blocks)


# code -> (Danish label, file suffix, builder); the order is the download list's.
HANDOUTS: dict[str, tuple[str, str, Callable[[MeetingMaterials], Handout]]] = {
    "program": ("Program", "program", program),
    "runbook": ("Drejebog for koordinatoren", "drejebog", runbook),
    "notes": ("Ark til mødenoter", "moedenoter", notes),
    "plan": ("Implementeringsplan", "implementeringsplan", implementation_plan),
    "offers": ("Tilbud", "tilbud", offers),
}
