"""The scheduler's pass: beat, and enqueue every duty (and the worker heartbeat).

Two schedulers are harmless: a duty whose last enqueue has not started yet is not
enqueued again (a race between two schedulers may still enqueue it twice, and each
duty is safe to run twice at once).
"""

from __future__ import annotations

from django.db import transaction
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import tasks
from .duties import DUTIES
from .services import beat


def _waiting(task: Task, args: list[object]) -> bool:
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task.module_path)
    if args:
        queued = queued.filter(args_kwargs__args__0=args[0])
    return queued.exists()


def schedule_pass() -> int:
    """Returns how many tasks it enqueued."""
    wanted: list[tuple[Task, list[object]]] = [(tasks.run_duty, [d.name]) for d in DUTIES]
    wanted.append((tasks.worker_heartbeat, []))
    enqueued = 0
    with transaction.atomic():
        beat("scheduler")
        for task, args in wanted:
            if _waiting(task, args):
                continue
            transaction.on_commit(lambda task=task, args=args: task.enqueue(*args))
            enqueued += 1
    return enqueued
