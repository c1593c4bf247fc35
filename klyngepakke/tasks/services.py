"""Writes of the task layer: heartbeats and pruning the task queue's history."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta

from django.utils import timezone

from .models import Heartbeat

# Finished task rows are kept this long (to look at in the admin), then pruned.
KEEP_SUCCEEDED = timedelta(hours=1)
KEEP_FAILED = timedelta(days=7)
# A task row still "running" this long after it started belongs to a worker that was
# killed: its duty has long since been enqueued and run again.
ORPHANED_AFTER = timedelta(days=1)
KEEP_HEARTBEATS = timedelta(days=7)


def host_name() -> str:
    return socket.gethostname()[:255] or "ukendt"


def beat(kind: str, now: datetime | None = None) -> None:
    """Record that a process of `kind` on this host has just made a pass."""
    Heartbeat.objects.update_or_create(kind=kind, host=host_name(), defaults={"beat_at": now or timezone.now()})


def prune_task_results(now: datetime | None = None) -> int:
    """Delete old finished task rows and old heartbeats; returns the task rows deleted."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    old = (
        DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_SUCCEEDED)
        | DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__lt=now - KEEP_FAILED)
        | DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - ORPHANED_AFTER)
    )
    deleted, _ = DBTaskResult.objects.filter(pk__in=old.values("pk")).delete()
    Heartbeat.objects.filter(beat_at__lt=now - KEEP_HEARTBEATS).delete()
    return deleted
