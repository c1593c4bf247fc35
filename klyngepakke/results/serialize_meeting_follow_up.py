""" "Opfølgning fra sidste møde" as plain data: the JSON, the page, the deck and the
spreadsheet print these strings and numbers, rounded here once (serialize.py's rules).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from klyngepakke.core.statistics import Comparison
from klyngepakke.formats import danish_date

from .meeting_follow_up import NO_EARLIER_ROUND, NO_MEAN, NOT_ASKED, FollowUpFromMeeting, MeasurePointChange, Side
from .serialize import WITHHELD_TEXT, _estimate
from .serialize_follow_up import _comparison, change_sentence

TITLE = "Opfølgning fra sidste møde"

SIDE_TEXT = {
    **WITHHELD_TEXT,
    NO_EARLIER_ROUND: "Vises ikke: klyngen har ingen lukket runde fra sidste møde.",
    NOT_ASKED: "Vises ikke: blev ikke spurgt i denne runde.",
    NO_MEAN: "Vises ikke: ingen gennemsnit (for få svar på skalaen).",
}


def _side(side: Side) -> dict[str, Any]:
    if side.estimate is None:
        reason = side.withheld or "none"
        return {"withheld": reason, "text": SIDE_TEXT.get(reason, "Vises ikke.")}
    data = _estimate(side.estimate) or {}
    data["text"] = f"{data['mean_text']} (n\u00a0=\u00a0{data['n']})"
    return data


class _Change:
    """Adapter so change_sentence words an item's change as it words a score's."""

    def __init__(self, comparison: Comparison | None) -> None:
        self.comparison = comparison


def _point(point: MeasurePointChange) -> dict[str, Any]:
    comparison = _comparison(point.comparison)
    if point.comparison is None and (point.before.estimate is None or point.after.estimate is None):
        sentence = "Udviklingen kan ikke vurderes: et af tallene vises ikke."
    else:
        sentence = change_sentence(_Change(point.comparison))  # type: ignore[arg-type]
    return {
        "code": point.code,
        "label": point.label,
        "kind": point.kind,
        "hope": point.hope,
        "before": _side(point.before),
        "after": _side(point.after),
        "change": comparison,
        "change_text": comparison["change_text"] if comparison is not None else None,
        "sentence": sentence,
    }


def plan_lines(section: FollowUpFromMeeting) -> list[str]:
    counts = section.plans
    return [
        f"{counts.made} af {counts.practices} praksisser har lavet en plan",
        f"{counts.under_way} i gang",
        f"{counts.done} gennemført",
        f"{counts.dropped} droppet",
    ]


def meeting_follow_up_as_dict(
    section: FollowUpFromMeeting | None, results_view: dict[str, Any]
) -> dict[str, Any] | None:
    """The section as plain data. `results_view` is `results_as_dict` of this round: the
    follow-up questions' answers are taken from it, as disclosed there."""
    if section is None:
        return None
    group = results_view["group"]
    questions_section = section.questions_section
    if "withheld" in group:
        change_answers: dict[str, Any] = {"withheld": group["withheld"], "text": group["text"]}
    else:
        change_answers = {
            "choices": [i for i in group["items"] if i["section"] == questions_section],
            "texts": [t for t in group["texts"] if t["section"] == questions_section],
        }
    before = section.before_round
    counts = section.plans
    return {
        "title": TITLE,
        "followed_order": section.followed_order.pk,
        "before_round": (
            {
                "id": before.pk,
                "closed_on": timezone.localdate(before.closed_at).isoformat() if before.closed_at else None,
            }
            if before is not None
            else None
        ),
        "meeting_on": section.meeting_on.isoformat() if section.meeting_on else None,
        "meeting_on_text": danish_date(section.meeting_on) if section.meeting_on else None,
        "decisions": {
            "focus_areas": list(section.focus_areas),
            "follow_up_on": section.follow_up_on.isoformat() if section.follow_up_on else None,
            "follow_up_on_text": danish_date(section.follow_up_on) if section.follow_up_on else None,
            "follow_up_package": section.follow_up_package,
            "topic_meetings": section.topic_meetings,
        },
        "measure_points": [_point(p) for p in section.measure_points],
        "plans": {
            "practices": counts.practices,
            "made": counts.made,
            "under_way": counts.under_way,
            "done": counts.done,
            "dropped": counts.dropped,
            "lines": plan_lines(section),
        },
        # The anonymous answers to the follow-up questions, as disclosed for the round.
        "change_answers": change_answers,
    }
