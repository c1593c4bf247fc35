"""The processes' heartbeats (the duties' back-off and leases are `support.models.Backoff`).

A heartbeat names a kind of process and its host, nothing about a person.
"""

from __future__ import annotations

from django.db import models
from django_tasks_db.models import DBTaskResult


class Heartbeat(models.Model):
    """The last pass of a kind of process ("scheduler", "worker") on a host."""

    kind = models.CharField(max_length=16)
    host = models.CharField(max_length=255)
    beat_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "host"], name="one_heartbeat_per_kind_host")]

    def __str__(self) -> str:
        return f"{self.kind}@{self.host}"


class BackgroundTask(DBTaskResult):
    """django-tasks' result row, named in Danish in the admin (a proxy: no table)."""

    class Meta:
        proxy = True
        verbose_name = "baggrundsopgave"
        verbose_name_plural = "baggrundsopgaver"
