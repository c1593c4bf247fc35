"""The survey scheduled from the meeting date opens by itself (klyngepakke.cycle.ordering
plans the dates; opening a round is surveys' business, so the duty lives here)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from klyngepakke.cycle.models import Order
from klyngepakke.support.backoff import run_items, waiting_items

from . import services

State = Order.State
DUTY = "open_due_rounds"


def open_due_rounds(today: date | None = None) -> int:
    """Open the round of every planned order whose opening day has come (invitations go
    out through `open_round`). Returns how many rounds were opened.

    Safe with two workers: each order is claimed (`run_items`), then locked and checked
    again (still planned, no round yet) before its round is opened in one transaction,
    so an order is opened once. An order whose closing day has passed stays planned
    (the coordinator moves its dates); one that fails backs off without holding up the rest.
    """
    today = today or timezone.localdate()
    due = Order.objects.filter(
        state=State.PLANNED, survey_opens_on__lte=today, survey_closes_on__gte=today, rounds__isnull=True
    ).exclude(pk__in=waiting_items(DUTY))
    ids = list(due.order_by("survey_opens_on", "pk").values_list("pk", flat=True))

    def open_one(order_id: int) -> bool:
        with transaction.atomic():
            order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
            if order.state != State.PLANNED or order.rounds.exists() or order.survey_opens_on is None:
                return False  # opened (or cancelled) meanwhile
            if order.survey_opens_on > today or order.survey_closes_on is None:
                return False
            services.open_round(
                order, services.closes_at_end_of(order.survey_closes_on), None, list(order.reminder_days)
            )
        return True

    return run_items(DUTY, ids, open_one).done
