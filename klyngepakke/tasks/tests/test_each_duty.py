"""Each duty in the list does its work, and run a second time does nothing more."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.cycle.models import Order, OrderEvent
from klyngepakke.materials.exporters import exporters
from klyngepakke.materials.models import MaterialFile
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.results.models import RoundAggregate
from klyngepakke.support.models import Backoff
from klyngepakke.surveys.models import ReminderBatch, Round
from klyngepakke.tasks.duties import DUTIES, run_duty
from tests import factories

from .helpers import closed_round, due_round, follow_up_due

pytestmark = pytest.mark.django_db


def run(name: str) -> dict[str, int]:
    outcome = run_duty(name)
    assert outcome.ran, outcome
    assert outcome.ok, outcome
    return outcome.summary


def test_the_list_names_every_duty_once():
    names = [d.name for d in DUTIES]
    assert len(names) == len(set(names))
    assert {
        "close_due_rounds",
        "mark_follow_ups_due",
        "queue_due_reminders",
        "process_outbox",
        "store_missing_aggregates",
        "store_missing_comparisons",
        "build_missing_materials",
        "prune_task_results",
    } <= set(names)


def test_close_due_rounds(catalogue):
    due = due_round()
    still_open = factories.open_survey_round(factories.survey_cluster(members=3))
    assert run("close_due_rounds") == {"count": 1}
    assert Round.objects.get(pk=due.pk).closed_at is not None
    assert Round.objects.get(pk=still_open.pk).closed_at is None
    assert due.order.events.filter(state=Order.State.SURVEY_CLOSED).count() == 1

    assert run("close_due_rounds") == {"count": 0}
    assert due.order.events.filter(state=Order.State.SURVEY_CLOSED).count() == 1
    assert not Backoff.objects.exists()  # claims are released


def test_mark_follow_ups_due(catalogue):
    order = follow_up_due()
    assert run("mark_follow_ups_due") == {"count": 1}
    assert Order.objects.get(pk=order.pk).state == Order.State.FOLLOW_UP_DUE
    assert run("mark_follow_ups_due") == {"count": 0}
    assert OrderEvent.objects.filter(order=order, state=Order.State.FOLLOW_UP_DUE).count() == 1


def test_queue_due_reminders(catalogue):
    round_ = factories.open_survey_round(factories.survey_cluster(members=3, solo=1))
    Round.objects.filter(pk=round_.pk).update(
        opened_at=timezone.now() - timedelta(days=8), closes_at=timezone.now() + timedelta(days=6), reminder_days=[7]
    )
    assert run("queue_due_reminders") == {"count": 1}
    reminders = OutboxMessage.objects.filter(kind="survey_reminder")
    assert reminders.count() == 3
    assert run("queue_due_reminders") == {"count": 0}
    assert reminders.count() == 3
    assert list(ReminderBatch.objects.values_list("slot", flat=True)) == ["auto-7"]


def test_process_outbox(catalogue, smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    factories.open_survey_round(factories.survey_cluster(members=3, solo=1))
    assert run("process_outbox") == {"sent": 3, "retrying": 0, "failed": 0, "dropped": 0}
    assert len(smtp_server.mailbox.wait_for(3)) == 3
    assert run("process_outbox") == {"sent": 0, "retrying": 0, "failed": 0, "dropped": 0}
    assert len(smtp_server.mailbox.messages) == 3


def test_store_missing_aggregates_and_comparisons(catalogue):
    round_ = closed_round()
    assert run("store_missing_aggregates") == {"count": 1}
    assert run("store_missing_aggregates") == {"count": 0}
    assert RoundAggregate.objects.filter(round=round_).count() == 1

    assert run("store_missing_comparisons") == {"count": 1}
    assert RoundAggregate.objects.get(round=round_).comparisons is not None
    assert run("store_missing_comparisons") == {"count": 0}


def test_build_missing_materials(catalogue):
    round_ = closed_round()
    assert run("build_missing_materials") == {"count": 1}
    # Every format and their "Hent alt" zip.
    assert MaterialFile.objects.filter(round=round_).count() == len(exporters()) + 1
    built_at = set(MaterialFile.objects.values_list("built_at", flat=True))
    assert run("build_missing_materials") == {"count": 0}
    assert set(MaterialFile.objects.values_list("built_at", flat=True)) == built_at


def test_prune_task_results(db):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from klyngepakke.tasks.tasks import worker_heartbeat

    old, fresh = worker_heartbeat.enqueue(), worker_heartbeat.enqueue()
    long_ago = timezone.now() - timedelta(hours=2)
    DBTaskResult.objects.filter(pk=old.id).update(status=TaskResultStatus.SUCCESSFUL, finished_at=long_ago)
    DBTaskResult.objects.filter(pk=fresh.id).update(status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
    assert run("prune_task_results") == {"count": 1}
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [fresh.db_result.pk]
    assert run("prune_task_results") == {"count": 0}
