"""Reminders: only to those who have not answered, on the coordinator's schedule or by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from klyngepakke.cycle.services import OrderError
from klyngepakke.outbox.services import enqueue
from klyngepakke.support.backoff import run_items, waiting_items

from .models import Invitation, ReminderBatch, Round

# A coordinator cannot send reminders by hand more often than this, so the reminder
# e-mails never become a way to probe who has answered in the last few minutes.
MANUAL_REMINDER_INTERVAL = timedelta(hours=24)

DUTY = "queue_due_reminders"


def _queue_for(round_: Round) -> None:
    # A member marked as left (registry.member_services.mark_left) is reminded no more.
    for invitation in Invitation.objects.filter(round=round_, answered=False, member__active=True).select_related(
        "member"
    ):
        enqueue("survey_reminder", invitation.member.email, "Påmindelse om spørgeskema", {"invitation": invitation.pk})


def queue_due_reminders(now: datetime | None = None) -> int:
    """Queue scheduled reminders whose time has come. Returns the number of batches.

    Safe with several workers: a slot's batch row is unique, so of two workers queueing
    the same slot at once one inserts it (with its e-mails, in one transaction) and the
    other's insert fails and queues nothing. A round that fails is logged and backs off
    without holding up the others.
    """
    now = now or timezone.now()
    open_rounds = Round.objects.filter(closed_at__isnull=True, closes_at__gt=now).exclude(pk__in=waiting_items(DUTY))
    queued = set(
        ReminderBatch.objects.filter(round__in=open_rounds, slot__startswith="auto-").values_list("round_id", "slot")
    )
    due = [
        round_id
        for round_id, closes_at, opened_at, reminder_days in open_rounds.order_by("pk").values_list(
            "pk", "closes_at", "opened_at", "reminder_days"
        )
        if any((round_id, f"auto-{days}") not in queued for days in _due_days(closes_at, opened_at, reminder_days, now))
    ]
    batches = 0

    def queue_round(round_id: int) -> bool:
        nonlocal batches
        round_ = Round.objects.get(pk=round_id)
        if not round_.is_open:
            return False
        for days in _due_days(round_.closes_at, round_.opened_at, round_.reminder_days, now):
            try:
                with transaction.atomic():
                    ReminderBatch.objects.create(round=round_, slot=f"auto-{days}")
                    _queue_for(round_)
            except IntegrityError:
                continue  # already queued for this slot
            batches += 1
        return True

    run_items(DUTY, due, queue_round)
    return batches


def _due_days(closes_at: datetime, opened_at: datetime, reminder_days: list[int], now: datetime) -> list[int]:
    """The reminder slots (days before closing) whose time has come."""
    return [days for days in reminder_days if opened_at <= closes_at - timedelta(days=days) <= now]


def send_reminders_now(round_: Round, by: AbstractBaseUser | None) -> None:
    now = timezone.now()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if not round_.is_open:
            raise OrderError("Runden er lukket.")
        last = round_.reminder_batches.order_by("-queued_at").first()
        if last is not None and now - last.queued_at < MANUAL_REMINDER_INTERVAL:
            raise OrderError("Der er allerede sendt en påmindelse inden for det sidste døgn.")
        ReminderBatch.objects.create(round=round_, slot=f"manual-{now:%Y%m%d%H%M%S}", by=by)
        _queue_for(round_)
