"""One failing duty is logged, backs off and never stops the others.

The mail backend is misconfigured (a class that does not exist), so `process_outbox`
raises as soon as it has something to send; the duties after it in the list still run.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.results.models import RoundAggregate
from klyngepakke.support.backoff import retry_delay
from klyngepakke.support.models import Backoff
from klyngepakke.surveys.models import Round
from klyngepakke.tasks import duties
from tests import factories

from .helpers import due_round

pytestmark = pytest.mark.django_db

BROKEN_BACKEND = "klyngepakke.no_such_module.EmailBackend"


def test_run_worker_once_runs_every_duty_and_reports_the_failing_one(catalogue, settings, caplog):
    settings.EMAIL_BACKEND = BROKEN_BACKEND
    round_ = due_round()  # its invitations are queued: the outbox has work, and fails
    out = io.StringIO()
    with (
        caplog.at_level(logging.INFO, logger="klyngepakke.tasks"),
        pytest.raises(CommandError, match="1 opgave\\(r\\) fejlede: process_outbox"),
    ):
        call_command("run_worker", "--once", stdout=out)
    # The duties before and after the failing one did their work.
    assert Round.objects.get(pk=round_.pk).closed_at is not None
    assert RoundAggregate.objects.filter(round=round_).exists()
    assert "process_outbox: FEJL (ModuleNotFoundError)" in out.getvalue()
    assert "store_missing_aggregates: ok count=1" in out.getvalue()
    assert "event=duty_failed duty=process_outbox error=ModuleNotFoundError failures=1 retry_in_seconds=30" in (
        caplog.text
    )
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).count() == 3  # nothing lost


def test_a_failing_duty_backs_off_then_runs_again(catalogue, settings):
    settings.EMAIL_BACKEND = BROKEN_BACKEND
    factories.open_survey_round(factories.survey_cluster(members=3, solo=1))  # three invitations queued
    first = duties.run_duty("process_outbox")
    assert (first.ran, first.ok, first.error) == (True, False, "ModuleNotFoundError")
    state = Backoff.objects.get(duty="process_outbox", item=0)
    assert state.failures == 1
    assert state.last_error == "ModuleNotFoundError"

    # Within the back-off the scheduler's runs skip it; the other duties are not held up.
    assert duties.run_duty("process_outbox").ran is False
    assert duties.run_duty("close_due_rounds").ok

    # After the wait it runs, fails again and waits twice as long.
    Backoff.objects.filter(pk=state.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    before = timezone.now()
    assert duties.run_duty("process_outbox").ok is False
    state.refresh_from_db()
    assert state.failures == 2
    assert state.next_attempt_at >= before + retry_delay(2)

    # Repaired, it runs at the next attempt, and its back-off is forgotten.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Backoff.objects.filter(pk=state.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    repaired = duties.run_duty("process_outbox")
    assert repaired.ok
    assert repaired.summary["sent"] == 3
    assert not Backoff.objects.filter(duty="process_outbox").exists()
