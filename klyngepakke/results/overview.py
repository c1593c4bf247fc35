"""The operator's national overview: uptake, response rates, rounds by state, each
cluster's place in the cycle (`cycle.stages`) and the follow-ups due.

Reads orders, rounds and invitation counts only (never answers), so no disclosure
rule is involved: these are counts of clusters and of invitations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle.models import Order, OrderEvent
from klyngepakke.cycle.stages import CycleOverview, cycle_overview
from klyngepakke.registry.models import Cluster, Region
from klyngepakke.surveys.models import Invitation

from .responses import published_q


@dataclass
class Uptake:
    package: Package
    clusters_used: int
    clusters_total: int
    by_region: list[tuple[Region, int, int]] = field(default_factory=list)
    invited: int = 0
    answered: int = 0

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.answered / self.invited) if self.invited else None


@dataclass
class Overview:
    uptake: list[Uptake]
    orders_by_state: list[tuple[str, int]]
    follow_ups_due: list[Order]
    today: date
    cycle: CycleOverview
    region: Region | None = None


def followed_up_orders() -> QuerySet[Order]:
    """The orders with a live follow-up (one not cancelled before its meeting), as pks."""
    held = OrderEvent.objects.filter(order=OuterRef("pk"), state=Order.State.MEETING_HELD)
    live = Order.objects.filter(follows_up__isnull=False).annotate(held=Exists(held))
    return live.filter(~Q(state=Order.State.DONE) | Q(held=True)).values("follows_up")


def national_overview(today: date, region_code: str | None = None) -> Overview:
    """The overview as of `today`; `region_code` (a region's code) limits the list of
    clusters to one region, the counts stay national and per region."""
    clusters_total = Cluster.objects.count()
    regions = list(Region.objects.annotate(n=Count("clusters")).order_by("name"))
    uptake = []
    for package in Package.objects.order_by("title"):
        used = Order.objects.filter(package=package).exclude(rounds__isnull=True)
        per_region = dict(
            used.values("cluster__region")
            .annotate(n=Count("cluster", distinct=True))
            .values_list("cluster__region", "n")
        )
        invitations = Invitation.objects.filter(published_q(prefix="round__"), round__order__package=package).aggregate(
            invited=Count("id"), answered=Count("id", filter=Q(answered=True))
        )
        uptake.append(
            Uptake(
                package=package,
                clusters_used=used.values("cluster").distinct().count(),
                clusters_total=clusters_total,
                by_region=[(r, per_region.get(r.pk, 0), r.n) for r in regions],
                invited=invitations["invited"],
                answered=invitations["answered"],
            )
        )
    states = dict(Order.objects.values("state").annotate(n=Count("id")).values_list("state", "n"))
    return Overview(
        uptake=uptake,
        orders_by_state=[(label, states.get(value, 0)) for value, label in Order.State.choices],
        # An order whose follow-up has been ordered is no longer waiting for one.
        follow_ups_due=list(
            Order.objects.filter(state=Order.State.FOLLOW_UP_DUE)
            .exclude(pk__in=followed_up_orders())
            .select_related("cluster__region", "package")
            .order_by("follow_up_due_on")
        ),
        today=today,
        cycle=cycle_overview(today, region_code),
        region=next((r for r in regions if r.code == region_code), None),
    )
