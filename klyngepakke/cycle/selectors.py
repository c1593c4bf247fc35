"""Reads of the cycle after the survey. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from klyngepakke.catalogue.models import Package
from klyngepakke.core.follow_up import compose
from klyngepakke.cycle.models import Order

from .models import Decision, PracticePlan


@dataclass(frozen=True)
class EligiblePoint:
    code: str
    label: str
    hint: str


def order_document(order: Order) -> dict[str, Any]:
    """The package version the order's survey used (its newest closed round), else the
    package's current version: the measure points come from what was asked."""
    round_ = order.rounds.filter(closed_at__isnull=False).select_related("package_version").order_by("-closed_at")
    first = round_.first()
    if first is not None:
        return dict(first.questionnaire_document)
    version = order.package.current_version
    return dict(version.document) if version is not None else {}


def _labels(document: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for section in document.get("questionnaire", {}).get("sections", []):
        for question in section.get("questions", []):
            labels[question["code"]] = question.get("text", {}).get("da", question["code"])
            for item in question.get("items", []) or []:
                labels[item["code"]] = item.get("text", {}).get("da", item["code"])
    for score in document.get("scores", []):
        labels[score["code"]] = score.get("label", {}).get("da", score["code"])
    return labels


def eligible_measure_points(order: Order) -> list[EligiblePoint]:
    """The package's measure points a cluster may choose, with a label for each."""
    document = order_document(order)
    labels = _labels(document)
    points = []
    for point in document.get("measure_points", []):
        hint = (point.get("hint") or {}).get("da", "")
        points.append(EligiblePoint(code=point["code"], label=labels.get(point["code"], point["code"]), hint=hint))
    return points


def follow_up_document(order: Order, base: dict[str, Any]) -> dict[str, Any] | None:
    """The questionnaire a round of `order` asks when the order follows up an earlier one:
    `base` (its package version's document) plus the measure points recorded at the
    earlier meeting, copied from what the earlier round asked, and the package's follow-up
    questions (core.follow_up.compose). None for an order that follows up nothing."""
    followed = order.follows_up
    if followed is None:
        return None
    decision = Decision.objects.filter(order=followed).first()
    codes = list(decision.measure_points.values_list("code", flat=True)) if decision is not None else []
    earlier_round = (
        followed.rounds.filter(closed_at__isnull=False).select_related("package_version").order_by("-closed_at").first()
    )
    earlier = earlier_round.questionnaire_document if earlier_round is not None else None
    return compose(base, earlier, codes, followed_order=followed.pk)


def follow_up_packages(order: Order) -> list[Package]:
    """The packages a follow-up of `order` may use: the same package again, or a package
    whose file says it follows up this one (`follows_up`). Only loaded, available ones."""
    candidates = Package.objects.filter(current_version__isnull=False).select_related("current_version")
    result = []
    for package in candidates.order_by("title"):
        if package.pk == order.package_id or package.current_version.document.get("follows_up") == order.package.code:
            result.append(package)
    return result


@dataclass(frozen=True)
class PlanCounts:
    practices: int
    made: int
    updated: int
    done: int
    under_way: int
    dropped: int
    shared: int


def plan_counts(order: Order) -> PlanCounts:
    """Counts only: what the coordinator and the national overview may see of plans."""
    from klyngepakke.registry.models import Practice

    counts = PracticePlan.objects.filter(order=order).aggregate(
        made=Count("pk", filter=Q(rows__isnull=False), distinct=True),
        updated=Count("pk", filter=Q(updated_at__isnull=False), distinct=True),
        done=Count("pk", filter=Q(status=PracticePlan.Status.DONE), distinct=True),
        under_way=Count("pk", filter=Q(status=PracticePlan.Status.UNDER_WAY), distinct=True),
        dropped=Count("pk", filter=Q(status=PracticePlan.Status.DROPPED), distinct=True),
        shared=Count("pk", filter=Q(shared=True), distinct=True),
    )
    practices = Practice.objects.filter(cluster_id=order.cluster_id).count()
    return PlanCounts(practices=practices, **{k: v or 0 for k, v in counts.items()})


@dataclass(frozen=True)
class AfterMeeting:
    """What the order page shows under "Efter mødet", and which actions are allowed."""

    record: Any
    decision: Any
    measure_points: list[tuple[str, str, str]]  # (code, label, hope)
    plans: PlanCounts
    meeting_refusal: str | None
    decisions_refusal: str | None
    plans_refusal: str | None
    follow_up_refusal: str | None
    follow_up_orders: list[Order]


def after_meeting(order: Order) -> AfterMeeting:
    from . import services
    from .models import Decision, MeetingRecord

    record = MeetingRecord.objects.filter(order=order).first()
    decision = Decision.objects.filter(order=order).select_related("follow_up_package").first()
    labels = {p.code: p.label for p in eligible_measure_points(order)} if decision else {}
    points = [(m.code, labels.get(m.code, m.code), m.hope) for m in decision.measure_points.all()] if decision else []
    return AfterMeeting(
        record=record,
        decision=decision,
        measure_points=points,
        plans=plan_counts(order),
        meeting_refusal=services.meeting_refusal(order, record),
        decisions_refusal=services.decisions_refusal(order),
        plans_refusal=services.plans_refusal(order),
        follow_up_refusal=services.follow_up_refusal(order),
        follow_up_orders=list(Order.objects.filter(follows_up=order).select_related("package")),
    )
