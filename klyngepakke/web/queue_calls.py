"""Reads for the consultant's work queue (klyngepakke/web/work_queue.py): the planning
calls coordinators asked for ("Ring mig op") that no consultant has marked as made. One
query, whatever the number of rows; typed rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from klyngepakke.cycle.ordering_selectors import open_call_requests

from .queue_rounds import QueueFilter


@dataclass(frozen=True)
class CallRow:
    call_id: int
    order_id: int
    cluster_code: str
    cluster_name: str
    region: str
    package: str
    coordinator: str
    phone: str
    preferred_time: str
    requested_at: datetime
    meeting_date: date | None


def call_requests(filters: QueueFilter) -> list[CallRow]:
    """Open call requests of orders that are not cancelled, oldest first."""
    calls = open_call_requests().filter(filters.orders(prefix="order__")).select_related("order__cluster__region")
    return [
        CallRow(
            call_id=call.pk,
            order_id=call.order_id,
            cluster_code=call.order.cluster.code,
            cluster_name=call.order.cluster.name,
            region=call.order.cluster.region.name,
            package=call.order.package.title,
            coordinator=(call.requested_by.get_full_name() or call.requested_by.get_username())
            if call.requested_by
            else "",
            phone=call.phone,
            preferred_time=call.preferred_time,
            requested_at=call.requested_at,
            meeting_date=call.order.meeting_date,
        )
        for call in calls
    ]
