"""Back-off and leases of background work, used by every app that does work in items.

A back-off row names a duty and at most the id of a round (never a response, an
invitation or a member). The table kept its name (`tasks_backoff`) from the tasks app.
"""

from __future__ import annotations

from django.db import models


class Backoff(models.Model):
    """A duty (item 0) or one item of a duty (e.g. round 12 of `build_missing_materials`)
    that failed and waits before the next attempt, or that a worker is working on now.

    `leased_until` is a claim: while it lies ahead, no other worker takes the item. The
    worker renews it while it works (`backoff.run_items`); a worker killed mid-item
    leaves the lease to run out (90 s), then the item is taken again.
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
        db_table = "tasks_backoff"  # the table kept its name when the model moved here
        constraints = [models.UniqueConstraint(fields=["duty", "item"], name="one_backoff_per_duty_item")]

    def __str__(self) -> str:
        return f"{self.duty}[{self.item}]: {self.failures} fejl"
