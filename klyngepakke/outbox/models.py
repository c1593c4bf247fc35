from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """An e-mail queued in the same transaction as the change that caused it.

    A background worker (`manage.py process_outbox`) renders it through the renderer
    registered for its `kind`, sends it through Django's mail backend, retries with
    back-off on failure and records when it was sent. Messages that carry a secret
    (a survey link) are rendered only at send time and their body is never stored.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "I kø"
        # Claimed by a worker that is sending it now (next_attempt_at: the claim's end).
        SENDING = "sending", "Sendes"
        SENT = "sent", "Sendt"
        FAILED = "failed", "Fejlet (opgivet)"

    kind = models.CharField("type", max_length=32)
    to = models.EmailField("modtager")
    subject = models.CharField("emne", max_length=255)
    # What the renderer needs (ids, not objects); never a secret.
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    last_error = models.TextField("sidste fejl", blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    next_attempt_at = models.DateTimeField("næste forsøg")
    sent_at = models.DateTimeField("sendt", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "udgående e-mail"
        verbose_name_plural = "udgående e-mails"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} til {self.to} ({self.get_status_display()})"
