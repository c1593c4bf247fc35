from __future__ import annotations

from django.db import models
from django.utils import timezone


class Notice(models.Model):
    """That a notification was queued: at most one per (kind, object, key).

    Inserted in the same transaction as the notification's e-mails, so of two workers
    that decide to notify at the same moment, one inserts the row and queues the
    e-mails and the other's INSERT fails and queues nothing. `key` tells apart the
    notices of one object that may come again (the meeting date of "meeting tomorrow",
    a call request's id); empty for the once-per-object kinds.
    """

    kind = models.CharField("type", max_length=40)
    object_id = models.PositiveBigIntegerField("objekt")
    key = models.CharField("nøgle", max_length=64, blank=True, default="")
    queued_at = models.DateTimeField("sat i kø", default=timezone.now)

    class Meta:
        verbose_name = "notifikation"
        verbose_name_plural = "notifikationer"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "key"], name="one_notice_per_kind_object_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}{' ' + self.key if self.key else ''}"
