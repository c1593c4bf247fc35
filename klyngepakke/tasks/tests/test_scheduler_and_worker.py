"""The scheduler enqueues every duty as a task; `manage.py db_worker` runs them.

A duty already waiting in the queue is not enqueued again, so two schedulers (or a
scheduler with no worker running) do not pile up copies.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from klyngepakke.surveys.models import Round
from klyngepakke.tasks import tasks
from klyngepakke.tasks.duties import DUTIES
from klyngepakke.tasks.models import Heartbeat
from klyngepakke.tasks.scheduler import schedule_pass
from klyngepakke.tasks.services import host_name

from .helpers import due_round

# The worker checks its connection between tasks (close_old_connections), which closes
# a connection inside a test's transaction: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def work_the_queue() -> None:
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", "-v", "0", stdout=io.StringIO()
    )


def queued(status: str) -> list[str]:
    return sorted(
        r.args_kwargs["args"][0] if r.args_kwargs["args"] else r.task_path.rsplit(".", 1)[1]
        for r in DBTaskResult.objects.filter(status=status)
    )


def test_a_pass_enqueues_each_duty_once_and_the_worker_runs_them(catalogue):
    round_ = due_round()
    expected = sorted([d.name for d in DUTIES] + ["worker_heartbeat"])

    assert schedule_pass() == len(expected)
    assert queued(TaskResultStatus.READY) == expected
    assert schedule_pass() == 0  # a second scheduler: everything is still waiting
    assert queued(TaskResultStatus.READY) == expected
    assert Heartbeat.objects.filter(kind="scheduler", host=host_name()).exists()
    assert not Heartbeat.objects.filter(kind="worker").exists()

    work_the_queue()
    assert queued(TaskResultStatus.SUCCESSFUL) == expected
    assert Round.objects.get(pk=round_.pk).closed_at is not None
    assert Heartbeat.objects.filter(kind="worker", host=host_name()).exists()

    assert schedule_pass() == len(expected)  # the next pass enqueues them again


def test_a_failing_duty_fails_its_task_without_personal_data(catalogue, settings):
    settings.EMAIL_BACKEND = "klyngepakke.no_such_module.EmailBackend"
    round_ = due_round()
    emails = list(round_.invitations.values_list("member__email", flat=True))
    result = tasks.run_duty.enqueue("process_outbox")
    work_the_queue()
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    error = result.errors[0]
    assert error.exception_class_path == "klyngepakke.tasks.tasks.DutyFailed"
    assert "process_outbox: ModuleNotFoundError" in error.traceback
    assert "no_such_module" not in error.traceback  # not even the message of the original
    assert not any(email in error.traceback for email in emails)


def test_an_unknown_duty_fails_its_task():
    result = tasks.run_duty.enqueue("no_such_duty")
    work_the_queue()
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert "unknown duty 'no_such_duty'" in result.errors[0].traceback
