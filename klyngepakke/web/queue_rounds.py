"""Reads for the consultant's work queue (klyngepakke/web/work_queue.py): new orders and
rounds whose response rate is low near their close. Each is one query, whatever the
number of rows; rows are typed and carry what the page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from klyngepakke.cycle.models import Order
from klyngepakke.surveys.models import ResponseCountSnapshot, Round

# A round is flagged when it closes within this many days and, by the latest daily count
# (the figure the coordinator sees), fewer than LOW_RATE_PERCENT of the invited, or fewer
# than k, have answered. Documented in docs/architecture.md ("The consultant's work queue").
CLOSING_SOON_DAYS = 3
LOW_RATE_PERCENT = 60


@dataclass(frozen=True)
class QueueFilter:
    """The work queue's filters; empty strings mean "all"."""

    region: str = ""
    package: str = ""
    state: str = ""

    def orders(self, prefix: str = "") -> Q:
        q = Q()
        if self.region:
            q &= Q(**{f"{prefix}cluster__region__code": self.region})
        if self.package:
            q &= Q(**{f"{prefix}package__code": self.package})
        if self.state:
            q &= Q(**{f"{prefix}state": self.state})
        return q


@dataclass(frozen=True)
class NewOrderRow:
    order_id: int
    cluster_code: str
    cluster_name: str
    region: str
    package: str
    ordered_at: datetime
    meeting_date: date | None


def new_orders(filters: QueueFilter) -> list[NewOrderRow]:
    """Orders not yet planned or opened ("Bestilt"), oldest first."""
    rows = (
        Order.objects.filter(filters.orders(), state=Order.State.ORDERED)
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "cluster__code",
            "cluster__name",
            "cluster__region__name",
            "package__title",
            "created_at",
            "meeting_date",
        )
    )
    return [NewOrderRow(*row) for row in rows]


@dataclass(frozen=True)
class LowRateRow:
    round_id: int
    order_id: int
    cluster_code: str
    cluster_name: str
    region: str
    package: str
    closes_at: datetime
    invited: int
    shown: int  # the latest daily count, as the coordinator sees it
    k: int

    @property
    def rate_percent(self) -> int:
        from klyngepakke.results.serialize import percent  # rounded once, as everywhere

        return percent(self.shown / self.invited) if self.invited else 0

    @property
    def under_k(self) -> bool:
        return self.shown < self.k


def low_response_rounds(filters: QueueFilter, now: datetime | None = None) -> list[LowRateRow]:
    """Open rounds that close within CLOSING_SOON_DAYS with a low daily count, soonest first."""
    now = now or timezone.now()
    latest = ResponseCountSnapshot.objects.filter(round=OuterRef("pk")).order_by("-day").values("count")[:1]
    rounds = (
        Round.objects.filter(
            filters.orders("order__"), closed_at__isnull=True, closes_at__lte=now + timedelta(days=CLOSING_SOON_DAYS)
        )
        .annotate(
            invited=Count("invitations"),
            shown=Coalesce(Subquery(latest, output_field=IntegerField()), Value(0)),
        )
        .select_related("order__cluster__region", "order__package", "package_version")
        .order_by("closes_at", "pk")
    )
    rows = []
    for round_ in rounds:
        k = int(round_.package_version.document.get("results", {}).get("min_group_size", 5))
        row = LowRateRow(
            round_id=round_.pk,
            order_id=round_.order_id,
            cluster_code=round_.order.cluster.code,
            cluster_name=round_.order.cluster.name,
            region=round_.order.cluster.region.name,
            package=round_.order.package.title,
            closes_at=round_.closes_at,
            invited=round_.invited,
            shown=round_.shown,
            k=k,
        )
        if row.under_k or 100 * row.shown < LOW_RATE_PERCENT * row.invited:
            rows.append(row)
    return rows
