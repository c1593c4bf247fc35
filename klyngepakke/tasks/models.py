"""State of the background duties: back-off and leases, and the processes' heartbeats.

Neither table holds anything about a person: a back-off row names a duty and at most
the id of a round (never a response, an invitation or a member), a heartbeat names a
kind of process and its host.
"""

from __future__ import annotations

from django.db import models
from django_tasks_db.models import DBTaskResult


class Backoff(models.Model):
    """A duty (item 0) or one item of a duty (e.g. round 12 of `build_missing_materials`)
    that failed and waits before the next attempt, or that a worker is working on now.

    `leased_until` is a claim: while it lies ahead, no other worker takes the item. A
    worker killed mid-item leaves the lease to run out, then the item is taken again.
    The row is deleted when the duty or item succeeds.
    """

    duty = models.CharField(max_length=64)
    item = models.PositiveBigIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    leased_until = models.DateTimeField(null=True, blank=True)
    # The exception's class name only: messages can quote an address or a token.
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["duty", "item"], name="one_backoff_per_duty_item")]

    def __str__(self) -> str:
        return f"{self.duty}[{self.item}]: {self.failures} fejl"


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
