""" "Opfølgning fra sidste møde": what a follow-up round's outputs open with.

For a round of an order that follows up an earlier one: the decisions recorded at the
earlier meeting (focus areas, follow-up plan), each chosen measure point before (the
earlier order's last closed round) and after (this round) with the change and its
interval, the practices' plan status as counts only, and the anonymous answers to the
package's follow-up questions (published by the disclosure core like every answer).

Every figure comes from the two rounds' publications (`round_results`): a measure point
withheld in either round carries the reason, never a zero. The results layer may read
the cycle's models; materials and pages only render what is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from klyngepakke.core.disclosure import Withheld
from klyngepakke.core.publication import PublicGroup
from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.core.statistics import Comparison, Estimate, compare
from klyngepakke.cycle.models import Decision, MeetingRecord, Order
from klyngepakke.cycle.selectors import PlanCounts, plan_counts
from klyngepakke.surveys.models import Round

from .selectors import RoundResults, round_results

# Why a side of a measure point has no figure (besides the disclosure core's reasons).
NO_EARLIER_ROUND = "no_earlier_round"
NOT_ASKED = "not_asked"
NO_MEAN = "no_mean"


@dataclass(frozen=True)
class Side:
    """One round's figure of a measure point, or why there is none."""

    estimate: Estimate | None
    withheld: str | None = None


@dataclass(frozen=True)
class MeasurePointChange:
    code: str
    label: str
    kind: str  # "score" | "item"
    hope: str
    before: Side
    after: Side
    comparison: Comparison | None
    meaningful_change: float | None


@dataclass(frozen=True)
class FollowUpFromMeeting:
    followed_order: Order
    before_round: Round | None
    meeting_on: date | None
    focus_areas: tuple[str, ...]
    follow_up_on: date | None
    follow_up_package: str | None
    topic_meetings: str
    measure_points: tuple[MeasurePointChange, ...]
    plans: PlanCounts
    # The section of this round's questionnaire holding the follow-up questions, if any.
    questions_section: str | None


def _labels(questionnaire: Questionnaire) -> dict[str, str]:
    labels: dict[str, str] = {}
    for question in questionnaire.questions.values():
        labels[question.code] = question.text["da"]
        for item in question.items:
            labels[item.code] = item.text["da"]
    return labels


def _side(results: RoundResults | None, code: str, kind: str) -> Side:
    if results is None:
        return Side(None, NO_EARLIER_ROUND)
    group = results.publication.group
    if isinstance(group, Withheld):
        return Side(None, group.reason)
    table = _table(group, code, kind)
    if table is None:
        return Side(None, NOT_ASKED)
    if isinstance(table, Withheld):
        return Side(None, table.reason)
    estimate = getattr(table, "estimate", None)
    if not isinstance(estimate, Estimate):
        return Side(None, NO_MEAN)
    return Side(estimate)


def _table(group: PublicGroup, code: str, kind: str) -> object | None:
    return group.scores.get(code) if kind == "score" else group.choices.get(code)


def _points(decision: Decision, before: RoundResults | None, after: RoundResults) -> tuple[MeasurePointChange, ...]:
    definitions = {d.code: d for d in after.scores}
    if before is not None:
        definitions = {**{d.code: d for d in before.scores}, **definitions}
    labels = _labels(after.questionnaire)
    if before is not None:
        labels = {**_labels(before.questionnaire), **labels}
    questions = dict(after.questionnaire.questions)
    if before is not None:
        questions = {**before.questionnaire.questions, **questions}
    # The package's short name of a measure point (its hint) reads better than a long question.
    hints: dict[str, str] = {}
    for results in (before, after):
        if results is not None:
            for entry in results.round.questionnaire_document.get("measure_points", []):
                hint = (entry.get("hint") or {}).get("da")
                if hint:
                    hints.setdefault(entry["code"], hint)
    points = []
    for point in decision.measure_points.all():
        if point.code in definitions:
            expanded = [(point.code, "score")]
        elif point.code in questions and questions[point.code].type == "matrix":
            # A whole matrix: one line per item.
            expanded = [(item.code, "item") for item in questions[point.code].items]
        else:
            expanded = [(point.code, "item")]
        for code, kind in expanded:
            b, a = _side(before, code, kind), _side(after, code, kind)
            definition = definitions.get(code) if kind == "score" else None
            meaningful = definition.meaningful_change if definition is not None else None
            if definition is not None:
                label = definition.label["da"]
            elif code == point.code:
                label = hints.get(code) or labels.get(code, code)
            else:  # a matrix item: the matrix's name, then the item's text
                label = f"{hints.get(point.code) or labels.get(point.code, point.code)}: {labels.get(code, code)}"
            comparison = (
                compare(b.estimate, a.estimate, meaningful_change=meaningful)
                if b.estimate is not None and a.estimate is not None
                else None
            )
            points.append(MeasurePointChange(code, label, kind, point.hope, b, a, comparison, meaningful))
    return tuple(points)


def follow_up_from_meeting(round_: Round, current: RoundResults | None = None) -> FollowUpFromMeeting | None:
    """The opening section of a follow-up round's outputs, or None for a round whose order
    follows up nothing. `current` is this round's results when the caller has them."""
    followed = round_.order.follows_up
    if followed is None:
        return None
    after = current or round_results(round_)
    before_round = (
        followed.rounds.filter(closed_at__isnull=False, closed_at__lt=round_.opened_at)
        .select_related("package_version__package", "order__cluster")
        .order_by("-closed_at", "-pk")
        .first()
    )
    before = round_results(before_round) if before_round is not None else None
    decision = Decision.objects.filter(order=followed).select_related("follow_up_package").first()
    record = MeetingRecord.objects.filter(order=followed).first()
    section = (round_.questionnaire_document.get("follow_up") or {}).get("questions_section")
    return FollowUpFromMeeting(
        followed_order=followed,
        before_round=before_round,
        meeting_on=record.held_on if record is not None else None,
        focus_areas=tuple(decision.focus_areas) if decision is not None else (),
        follow_up_on=decision.follow_up_on if decision is not None else None,
        follow_up_package=(
            decision.follow_up_package.title if decision is not None and decision.follow_up_package else None
        ),
        topic_meetings=decision.topic_meetings if decision is not None else "",
        measure_points=_points(decision, before, after) if decision is not None else (),
        plans=plan_counts(followed),
        questions_section=section,
    )
