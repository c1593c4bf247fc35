"""Reads of the task layer: the health report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .models import Heartbeat

# The kinds of process that must be beating for the site to be healthy.
KINDS = ("scheduler", "worker")


@dataclass(frozen=True)
class Health:
    healthy: bool
    report: dict[str, object]


def health(now: datetime | None = None) -> Health:
    """The database answers and every kind of process has beaten within the threshold.

    Only kinds, host names and ages: nothing about a person or a survey.
    """
    now = now or timezone.now()
    limit = settings.HEARTBEAT_MAX_AGE_SECONDS
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            beats = list(Heartbeat.objects.order_by("kind", "host").values_list("kind", "host", "beat_at"))
    except DatabaseError as exc:
        return Health(False, {"status": "fejl", "database": "fejl", "error": type(exc).__name__})
    processes: dict[str, object] = {}
    healthy = True
    for kind in KINDS:
        hosts = [
            {"host": host, "age_seconds": round((now - beat_at).total_seconds(), 1)}
            for k, host, beat_at in beats
            if k == kind
        ]
        newest = min((h["age_seconds"] for h in hosts), default=None)
        fresh = newest is not None and newest <= limit
        healthy = healthy and fresh
        processes[kind] = {"ok": fresh, "newest_age_seconds": newest, "hosts": hosts}
    return Health(
        healthy,
        {
            "status": "ok" if healthy else "fejl",
            "database": "ok",
            "max_age_seconds": limit,
            "processes": processes,
        },
    )
