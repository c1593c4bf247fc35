"""Reads for the consultant's work queue (klyngepakke/web/work_queue.py): meetings in
the next days with whether their pack is ready, and follow-ups due or overdue. One
query each, whatever the number of rows; typed rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef

from klyngepakke.cycle.models import Order
from klyngepakke.cycle.stages import OVERDUE_GRACE_DAYS
from klyngepakke.materials.models import MaterialFile
from klyngepakke.results.responses import published_q
from klyngepakke.surveys.models import Round

from .queue_rounds import QueueFilter

MEETING_DAYS = 14
# Follow-ups appear this many days before they fall due, and stay until a follow-up
# package is ordered or the order is done.
FOLLOW_UP_NOTICE_DAYS = 30


@dataclass(frozen=True)
class MeetingRow:
    order_id: int
    cluster_code: str
    cluster_name: str
    region: str
    package: str
    meeting_date: date
    state_label: str
    has_open_round: bool
    has_published_round: bool  # results exist (the files are built by the scheduler)
    pack_ready: bool  # a published round with its meeting files built


def upcoming_meetings(filters: QueueFilter, today: date) -> list[MeetingRow]:
    """Orders with a meeting from today to MEETING_DAYS ahead, soonest first."""
    rounds = Round.objects.filter(order=OuterRef("pk"))
    built = MaterialFile.objects.filter(published_q(prefix="round__"), round__order=OuterRef("pk"))
    orders = (
        Order.objects.filter(
            filters.orders(), meeting_date__gte=today, meeting_date__lte=today + timedelta(days=MEETING_DAYS)
        )
        .exclude(state=Order.State.DONE)
        .annotate(
            has_open_round=Exists(rounds.filter(closed_at__isnull=True)),
            has_published_round=Exists(rounds.filter(published_q())),
            pack_ready=Exists(built),
        )
        .select_related("cluster__region", "package")
        .order_by("meeting_date", "pk")
    )
    return [
        MeetingRow(
            order_id=order.pk,
            cluster_code=order.cluster.code,
            cluster_name=order.cluster.name,
            region=order.cluster.region.name,
            package=order.package.title,
            meeting_date=order.meeting_date,
            state_label=order.get_state_display(),
            has_open_round=order.has_open_round,
            has_published_round=order.has_published_round,
            pack_ready=order.pack_ready,
        )
        for order in orders
    ]


@dataclass(frozen=True)
class FollowUpRow:
    order_id: int
    cluster_code: str
    cluster_name: str
    region: str
    package: str
    due_on: date
    # Past its due date; "overdue" only more than OVERDUE_GRACE_DAYS after it, as the
    # national overview counts it.
    past_due: bool
    overdue: bool


def follow_ups(filters: QueueFilter, today: date) -> list[FollowUpRow]:
    """Meetings held whose follow-up falls due within FOLLOW_UP_NOTICE_DAYS or is overdue,
    and no follow-up order yet; overdue first (oldest due date first)."""
    followed = Order.objects.filter(follows_up=OuterRef("pk"))
    orders = (
        Order.objects.filter(
            filters.orders(),
            state__in=[Order.State.MEETING_HELD, Order.State.FOLLOW_UP_DUE],
            follow_up_due_on__lte=today + timedelta(days=FOLLOW_UP_NOTICE_DAYS),
        )
        .exclude(Exists(followed))
        .select_related("cluster__region", "package")
        .order_by("follow_up_due_on", "pk")
    )
    return [
        FollowUpRow(
            order_id=order.pk,
            cluster_code=order.cluster.code,
            cluster_name=order.cluster.name,
            region=order.cluster.region.name,
            package=order.package.title,
            due_on=order.follow_up_due_on,
            past_due=order.follow_up_due_on < today,
            overdue=order.follow_up_due_on < today - timedelta(days=OVERDUE_GRACE_DAYS),
        )
        for order in orders
    ]
