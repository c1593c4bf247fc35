"""Where each cluster is in the cycle, for the national overview. Reads only.

One stage per cluster, from all its orders in a fixed number of queries (never one per
cluster). An order and the follow-ups linked to it (`Order.follows_up`) form a chain;
the chain's place is read off its last live order:

- an order that is not a follow-up: ordered/planned -> "Bestilt", survey open ->
  "Spørgeskema åbent", closed -> "Spørgeskema lukket", meeting held -> "Møde holdt"
  (or "Planer lavet" once a practice has written a plan), follow-up due -> "Opfølgning
  forfalden";
- a follow-up order: before its meeting -> "Opfølgning bestilt/i gang", after ->
  "Opfølgning holdt" (unless it is itself due for a follow-up).

A cluster's stage is the furthest any of its chains has come: a cluster that has held
its follow-up and then ordered another package stays "Opfølgning holdt". An order
closed before its meeting (done without a meeting held) was cancelled and is left
out, and a cancelled follow-up does not count as the follow-up being ordered.

Plans are counted, never read: plans made (with at least one row), updated (saved
after the practice was asked to mark its status before the follow-up) and done.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum

from django.db.models import Count, Exists, F, OuterRef, Q

from klyngepakke.registry.models import Cluster, Region

from .models import MeetingRecord, Order, OrderEvent, PracticePlan

State = Order.State

# A follow-up is "overdue" when its due date passed more than this many days ago and no
# follow-up has been ordered: a month lets a cluster order it at its next board meeting.
OVERDUE_GRACE_DAYS = 30


class Stage(IntEnum):
    """The places in the cycle, in the order a cluster passes them."""

    NONE = 0
    ORDERED = 1
    SURVEY_OPEN = 2
    SURVEY_CLOSED = 3
    MEETING_HELD = 4
    PLANS_MADE = 5
    FOLLOW_UP_DUE = 6
    FOLLOW_UP_ORDERED = 7
    FOLLOW_UP_HELD = 8

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.NONE: "Ingen bestilling",
    Stage.ORDERED: "Bestilt",
    Stage.SURVEY_OPEN: "Spørgeskema åbent",
    Stage.SURVEY_CLOSED: "Spørgeskema lukket",
    Stage.MEETING_HELD: "Møde holdt",
    Stage.PLANS_MADE: "Planer lavet",
    Stage.FOLLOW_UP_DUE: "Opfølgning forfalden",
    Stage.FOLLOW_UP_ORDERED: "Opfølgning bestilt/i gang",
    Stage.FOLLOW_UP_HELD: "Opfølgning holdt",
}


@dataclass(frozen=True)
class ClusterStage:
    code: str
    name: str
    region: str
    stage: Stage
    package: str  # the title of the order that gives the stage ("" for none)
    follow_up_due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class PlanTotals:
    made: int = 0
    updated: int = 0
    done: int = 0


@dataclass(frozen=True)
class StageCounts:
    """Counts for one region, or for the whole country (`region` None)."""

    region: Region | None
    clusters: int
    held_meeting: int  # clusters that have held at least one meeting
    by_stage: list[tuple[Stage, int]]
    follow_ups_due: int
    follow_ups_overdue: int
    plans: PlanTotals


@dataclass(frozen=True)
class CycleOverview:
    today: date
    grace_days: int
    national: StageCounts
    regions: list[StageCounts]
    clusters: list[ClusterStage] = field(default_factory=list)

    @property
    def overdue_before(self) -> date:
        """A follow-up due before this day is overdue (when not ordered)."""
        return self.today - timedelta(days=self.grace_days)


@dataclass
class _Order:
    pk: int
    cluster_id: int
    package: str
    state: str
    follows_up_id: int | None
    follow_up_due_on: date | None
    held: bool
    plans_made: bool
    live_follow_up: bool


def _orders() -> list[_Order]:
    held_event = OrderEvent.objects.filter(order=OuterRef("pk"), state=State.MEETING_HELD)
    record = MeetingRecord.objects.filter(order=OuterRef("pk"))
    plan_made = PracticePlan.objects.filter(order=OuterRef("pk"), rows__isnull=False)
    # A follow-up counts unless it was cancelled (closed before its meeting was held).
    follow_up_held = OrderEvent.objects.filter(order=OuterRef("pk"), state=State.MEETING_HELD)
    live_follow_up = (
        Order.objects.filter(follows_up=OuterRef("pk"))
        .annotate(was_held=Exists(follow_up_held))
        .filter(~Q(state=State.DONE) | Q(was_held=True))
    )
    rows = (
        Order.objects.annotate(
            has_event=Exists(held_event),
            has_record=Exists(record),
            has_plan=Exists(plan_made),
            has_follow_up=Exists(live_follow_up),
        )
        .values_list(
            "pk",
            "cluster_id",
            "package__title",
            "state",
            "follows_up_id",
            "follow_up_due_on",
            "has_event",
            "has_record",
            "has_plan",
            "has_follow_up",
        )
        .order_by("pk")
    )
    return [
        _Order(pk, cluster, title, state, follows_up, due, event or rec, plan, follow_up)
        for pk, cluster, title, state, follows_up, due, event, rec, plan, follow_up in rows
    ]


def _order_stage(order: _Order, today: date) -> Stage | None:
    """The stage the chain ending in `order` is at; None for a cancelled order."""
    if order.state == State.DONE and not order.held:
        return None
    if order.state in (State.ORDERED, State.PLANNED):
        return Stage.FOLLOW_UP_ORDERED if order.follows_up_id else Stage.ORDERED
    if order.state == State.SURVEY_OPEN:
        return Stage.FOLLOW_UP_ORDERED if order.follows_up_id else Stage.SURVEY_OPEN
    if order.state == State.SURVEY_CLOSED:
        return Stage.FOLLOW_UP_ORDERED if order.follows_up_id else Stage.SURVEY_CLOSED
    if _is_due(order, today):
        return Stage.FOLLOW_UP_DUE
    if order.follows_up_id:
        return Stage.FOLLOW_UP_HELD
    # Meeting held (or closed after it without a follow-up, or its follow-up cancelled).
    return Stage.PLANS_MADE if order.plans_made else Stage.MEETING_HELD


def _is_due(order: _Order, today: date) -> bool:
    """Due for a follow-up that has not been ordered (the scheduler may lag a day)."""
    if order.live_follow_up or order.state not in (State.MEETING_HELD, State.FOLLOW_UP_DUE):
        return False
    if order.state == State.FOLLOW_UP_DUE:
        return True
    return order.follow_up_due_on is not None and order.follow_up_due_on <= today


def _is_overdue(order: _Order, today: date) -> bool:
    due_on = order.follow_up_due_on
    return _is_due(order, today) and due_on is not None and due_on < today - timedelta(days=OVERDUE_GRACE_DAYS)


def cycle_overview(today: date, region_code: str | None = None) -> CycleOverview:
    """Each cluster's place in the cycle and the counts, nationally and per region;
    `region_code` limits the cluster list (the counts keep every region)."""
    regions = list(Region.objects.order_by("name"))
    clusters = list(Cluster.objects.select_related("region").order_by("name"))
    orders = _orders()
    by_cluster: dict[int, list[_Order]] = {}
    for order in orders:
        by_cluster.setdefault(order.cluster_id, []).append(order)

    stages: list[ClusterStage] = []
    held: set[int] = set()
    due: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    for cluster in clusters:
        best: tuple[Stage, _Order | None] = (Stage.NONE, None)
        for order in by_cluster.get(cluster.pk, []):
            if order.held:
                held.add(cluster.pk)
            if _is_due(order, today):
                due[cluster.pk] += 1
                overdue[cluster.pk] += _is_overdue(order, today)
            if order.live_follow_up:
                continue  # the chain goes on in its follow-up
            stage = _order_stage(order, today)
            # The furthest chain wins; of two at the same place, the newer order.
            if stage is not None and stage >= best[0]:
                best = (stage, order)
        stage, order = best
        stages.append(
            ClusterStage(
                code=cluster.code,
                name=cluster.name,
                region=cluster.region.name,
                stage=stage,
                package=order.package if order else "",
                follow_up_due_on=order.follow_up_due_on if order and stage == Stage.FOLLOW_UP_DUE else None,
                overdue=bool(order and stage == Stage.FOLLOW_UP_DUE and _is_overdue(order, today)),
            )
        )

    plans = _plan_totals()

    def counts(region: Region | None) -> StageCounts:
        members = [c for c in clusters if region is None or c.region_id == region.pk]
        in_region = {c.pk for c in members}
        tally = Counter(s.stage for s, c in zip(stages, clusters, strict=True) if c.pk in in_region)
        totals = [t for pk, t in plans.items() if region is None or pk == region.pk]
        return StageCounts(
            region=region,
            clusters=len(members),
            held_meeting=len(held & in_region),
            by_stage=[(s, tally.get(s, 0)) for s in Stage],
            follow_ups_due=sum(due[pk] for pk in in_region),
            follow_ups_overdue=sum(overdue[pk] for pk in in_region),
            plans=PlanTotals(
                made=sum(t.made for t in totals),
                updated=sum(t.updated for t in totals),
                done=sum(t.done for t in totals),
            ),
        )

    shown = [s for s, c in zip(stages, clusters, strict=True) if not region_code or c.region.code == region_code]
    return CycleOverview(
        today=today,
        grace_days=OVERDUE_GRACE_DAYS,
        national=counts(None),
        regions=[counts(r) for r in regions],
        clusters=shown,
    )


def _plan_totals() -> dict[int, PlanTotals]:
    """Plan counts per region (the region's id), in one query."""
    rows = (
        PracticePlan.objects.values("order__cluster__region")
        .annotate(
            made=Count("pk", filter=Q(rows__isnull=False), distinct=True),
            updated=Count("pk", filter=Q(updated_at__gt=F("status_request_queued_at")), distinct=True),
            done=Count("pk", filter=Q(status=PracticePlan.Status.DONE), distinct=True),
        )
        .values_list("order__cluster__region", "made", "updated", "done")
    )
    return {region: PlanTotals(made, updated, done) for region, made, updated, done in rows}
