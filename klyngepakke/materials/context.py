"""Everything a meeting's materials show, gathered once per round as plain data.

Numbers come only from the results layer (`results_as_dict`, `follow_up_as_dict`);
texts come only from the package version the round pinned; dates and the plan from the
order. Exporters receive a `MeetingMaterials` and nothing else, so each one is a pure
function of it: the same round gives the same files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from klyngepakke.core.package_format import Style
from klyngepakke.formats import danish_date
from klyngepakke.results.meeting_follow_up import follow_up_from_meeting
from klyngepakke.results.selectors import follow_up_for, round_results
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.results.serialize_follow_up import follow_up_as_dict
from klyngepakke.results.serialize_meeting_follow_up import meeting_follow_up_as_dict
from klyngepakke.surveys.models import Round

ROLE_LABELS = {
    "coordinator": "Klyngekoordinator",
    "member": "Klyngens medlemmer",
    "facilitator": "Facilitator",
    "consultant": "Konsulent",
}
PHASE_LABELS = {"before": "Før klyngemødet", "during": "Under klyngemødet", "after": "Efter klyngemødet"}
# Versions loaded before packages had a `style` get the format's defaults.
DEFAULT_STYLE = Style().model_dump()
# Block lengths are rounded to this when a meeting's length is adjusted.
PROGRAM_STEP_MINUTES = 5


@dataclass(frozen=True)
class Reflection:
    code: str
    text: str
    for_solo: bool


@dataclass(frozen=True)
class ProgramSlot:
    code: str
    title: str
    description: str
    minutes: int
    # Clock times when the meeting's start is planned, else None.
    starts: time | None
    ends: time | None
    reflections: tuple[Reflection, ...]


@dataclass(frozen=True)
class RunbookEntry:
    phase: str
    phase_label: str
    role: str
    role_label: str
    when: str
    task: str
    # Filled from the order and round when the package gives the task a due rule and the
    # date it counts from is known.
    due: date | None


@dataclass(frozen=True)
class OfferEntry:
    code: str
    title: str
    provider: str
    audience: str
    description: str
    url: str
    regional: bool


@dataclass(frozen=True)
class Theme:
    """A questionnaire section: one theme of the deck and one sheet of the spreadsheet."""

    code: str
    title: str


@dataclass(frozen=True)
class MeasurePointChoice:
    """A measure point the package lets the cluster choose at the meeting (package data)."""

    code: str
    label: str
    hint: str


@dataclass(frozen=True)
class MeetingMaterials:
    round_id: int
    cluster_code: str
    cluster_name: str
    region_code: str
    region_name: str
    package_code: str
    package_title: str
    package_version: str
    package_version_number: int
    package_summary: str
    purpose: tuple[str, ...]
    contact: str
    style: dict[str, Any]
    meeting_date: date | None
    meeting_starts_at: time | None
    meeting_place: str
    meeting_minutes: int
    program_notes: str
    program: tuple[ProgramSlot, ...]
    opened_on: date
    closed_on: date
    # The data's date: the round's close (results are frozen then).
    data_date: date
    themes: tuple[Theme, ...]
    # `results_as_dict` of the round: the only source of numbers.
    results: dict[str, Any]
    # `follow_up_as_dict` when an earlier round of the cluster exists and both are shown.
    follow_up: dict[str, Any] | None
    # "Opfølgning fra sidste møde" (results.serialize_meeting_follow_up) for a round of an
    # order that follows up an earlier one, else None.
    meeting_follow_up: dict[str, Any] | None
    # The package's eligible measure points, offered for the room to choose.
    measure_point_choices: tuple[MeasurePointChoice, ...]
    runbook: tuple[RunbookEntry, ...]
    offers: tuple[OfferEntry, ...]
    help_contacts: tuple[dict[str, Any], ...]
    sources: dict[str, dict[str, Any]]
    score_definitions: tuple[dict[str, Any], ...]
    # The round's name for people ("1. måling", "Opfølgning"), never its id.
    round_name: str = ""

    @property
    def national_offers(self) -> tuple[OfferEntry, ...]:
        return tuple(o for o in self.offers if not o.regional)

    @property
    def regional_offers(self) -> tuple[OfferEntry, ...]:
        return tuple(o for o in self.offers if o.regional)

    @property
    def footer(self) -> str:
        return (
            f"{self.package_title} (version {self.package_version}) · {self.cluster_name} · "
            f"data pr. {danish_date(self.data_date)}"
        )

    def digest(self) -> str:
        """A fingerprint of every input: stored files are rebuilt when it changes."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def _da(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("da", ""))
    return "" if value is None else str(value)


def scaled_minutes(blocks: list[dict[str, Any]], default_minutes: int, planned: int | None) -> list[int]:
    """Block lengths for a meeting of `planned` minutes.

    The package's program fits its default length; an adjusted meeting scales every block
    in proportion, in steps of PROGRAM_STEP_MINUTES, and the longest block absorbs the
    rounding so the blocks always add up to the planned length.
    """
    minutes = [int(b["minutes"]) for b in blocks]
    if not planned or planned == default_minutes or not any(minutes):
        return minutes
    step = PROGRAM_STEP_MINUTES
    scaled = [max(0, round(m * planned / default_minutes / step) * step) if m else 0 for m in minutes]
    longest = max(range(len(minutes)), key=lambda i: minutes[i])
    scaled[longest] += planned - sum(scaled)
    return scaled


def _program(document: dict[str, Any], planned: int | None, starts: time | None) -> tuple[ProgramSlot, ...]:
    program = document["program"]
    blocks = program["blocks"]
    minutes = scaled_minutes(blocks, int(program["default_minutes"]), planned)
    clock = datetime.combine(date(2000, 1, 1), starts) if starts else None
    slots = []
    for block, length in zip(blocks, minutes, strict=True):
        begin = clock.time() if clock else None
        if clock:
            clock += timedelta(minutes=length)
        slots.append(
            ProgramSlot(
                code=block["code"],
                title=_da(block["title"]),
                description=_da(block.get("description")),
                minutes=length,
                starts=begin,
                ends=clock.time() if clock else None,
                reflections=tuple(
                    Reflection(q["code"], _da(q["text"]), bool(q.get("for_solo", True)))
                    for q in block.get("reflection_questions", [])
                ),
            )
        )
    return tuple(slots)


def _anchors(round_: Round) -> dict[str, date | None]:
    order = round_.order
    local = timezone.localdate
    return {
        "ordered": local(order.created_at),
        "survey_opens": local(round_.opened_at),
        "survey_closes": local(round_.closed_at or round_.closes_at),
        "meeting": order.meeting_date,
        "follow_up": order.follow_up_due_on,
    }


def _runbook(document: dict[str, Any], anchors: dict[str, date | None]) -> tuple[RunbookEntry, ...]:
    entries = []
    for task in document.get("runbook", []):
        rule = task.get("due")
        anchor = anchors.get(rule["from"]) if rule else None
        entries.append(
            RunbookEntry(
                phase=task["phase"],
                phase_label=PHASE_LABELS[task["phase"]],
                role=task["role"],
                role_label=ROLE_LABELS[task["role"]],
                when=_da(task.get("when")),
                task=_da(task["task"]),
                due=anchor + timedelta(days=int(rule["days"])) if rule and anchor else None,
            )
        )
    return tuple(entries)


def _offers(document: dict[str, Any], region_code: str) -> tuple[OfferEntry, ...]:
    # National offers, then the cluster's own region's; other regions' are left out.
    return tuple(
        OfferEntry(
            code=o["code"],
            title=_da(o["title"]),
            provider=o["provider"],
            audience=_da(o["audience"]),
            description=_da(o["description"]),
            url=o.get("url", ""),
            regional=bool(o.get("region")),
        )
        for o in sorted(document.get("offers", []), key=lambda o: bool(o.get("region")))
        if not o.get("region") or o["region"] == region_code
    )


def _measure_point_choices(document: dict[str, Any]) -> tuple[MeasurePointChoice, ...]:
    labels: dict[str, str] = {}
    for section in document["questionnaire"]["sections"]:
        for question in section["questions"]:
            labels[question["code"]] = _da(question["text"])
            labels.update((item["code"], _da(item["text"])) for item in question.get("items", []))
    labels.update((score["code"], _da(score["label"])) for score in document.get("scores", []))
    return tuple(
        MeasurePointChoice(p["code"], labels.get(p["code"], p["code"]), _da(p.get("hint")))
        for p in document.get("measure_points", [])
    )


def meeting_materials(round_id: int) -> MeetingMaterials:
    """The materials' content for a closed round (ResultsNotAvailable if it is open)."""
    round_ = Round.objects.select_related("order__cluster__region", "order__package", "package_version__package").get(
        pk=round_id
    )
    results = round_results(round_)  # raises ResultsNotAvailable for an open round
    view = results_as_dict(results)
    document = round_.questionnaire_document
    order = round_.order
    cluster = order.cluster
    assert round_.closed_at is not None
    closed_on = timezone.localdate(round_.closed_at)
    return MeetingMaterials(
        round_id=round_.pk,
        cluster_code=cluster.code,
        cluster_name=cluster.name,
        region_code=cluster.region.code,
        region_name=cluster.region.name,
        package_code=order.package.code,
        package_title=_da(document["title"]),
        package_version=round_.package_version.declared_version,
        package_version_number=round_.package_version.number,
        package_summary=_da(document.get("summary")),
        purpose=tuple(_da(p) for p in document.get("purpose", [])),
        contact=_da(document.get("contact")),
        style={**DEFAULT_STYLE, **document.get("style", {})},
        meeting_date=order.meeting_date,
        meeting_starts_at=order.meeting_starts_at,
        meeting_place=order.meeting_place,
        meeting_minutes=order.meeting_minutes or int(document["program"]["default_minutes"]),
        program_notes=order.program_notes,
        program=_program(document, order.meeting_minutes, order.meeting_starts_at),
        opened_on=timezone.localdate(round_.opened_at),
        closed_on=closed_on,
        data_date=closed_on,
        themes=tuple(Theme(s["code"], _da(s["title"])) for s in document["questionnaire"]["sections"]),
        results=view,
        follow_up=follow_up_as_dict(follow_up_for(round_, results)),
        meeting_follow_up=meeting_follow_up_as_dict(follow_up_from_meeting(round_, results), view),
        measure_point_choices=_measure_point_choices(round_.package_version.document),
        runbook=_runbook(document, _anchors(round_)),
        offers=_offers(document, cluster.region.code),
        help_contacts=tuple(
            c for c in document.get("help_contacts", []) if not c.get("region") or c["region"] == cluster.region.code
        ),
        sources={s["code"]: s for s in document.get("sources", [])},
        score_definitions=tuple(document.get("scores", [])),
        round_name=round_.display_name,
    )
