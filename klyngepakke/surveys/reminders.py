"""Reminders: only to those who have not answered, on the coordinator's schedule or by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from klyngepakke.outbox.services import enqueue

from .models import Invitation, ReminderBatch, Round
from .services import OrderError

# A coordinator cannot send reminders by hand more often than this, so the reminder
# e-mails never become a way to probe who has answered in the last few minutes.
MANUAL_REMINDER_INTERVAL = timedelta(hours=24)


def _queue_for(round_: Round) -> None:
    for invitation in Invitation.objects.filter(round=round_, answered=False).select_related("member"):
        enqueue("survey_reminder", invitation.member.email, "Påmindelse om spørgeskema", {"invitation": invitation.pk})


def queue_due_reminders(now: datetime | None = None) -> int:
    """Queue scheduled reminders whose time has come. Returns the number of batches."""
    now = now or timezone.now()
    batches = 0
    for round_ in Round.objects.filter(closed_at__isnull=True, closes_at__gt=now):
        for days in round_.reminder_days:
            due_at = round_.closes_at - timedelta(days=days)
            if due_at > now or due_at < round_.opened_at:
                continue
            try:
                with transaction.atomic():
                    ReminderBatch.objects.create(round=round_, slot=f"auto-{days}")
                    _queue_for(round_)
            except IntegrityError:
                continue  # already queued for this slot
            batches += 1
    return batches


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
