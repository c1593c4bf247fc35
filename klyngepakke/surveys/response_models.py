"""The anonymous responses and the sealed partial answers: what respondents answered.

Only the surveys app (which writes them) and the results layer (which reads them, rules
in docs/anonymity.md) import this module; pyproject.toml's import contracts enforce it.

Anonymity is a property of this schema: `Response` and `Answer` have no foreign key to
an invitation, member or practice, no timestamp and random UUID keys (see models.py).
"""

from __future__ import annotations

import uuid

from django.db import models


class PartialAnswers(models.Model):
    """Answers kept between pages so a doctor can resume; deleted at submit and close.

    Sealed (AES-GCM) with a key derived from the respondent's link token, which the
    server does not store: unreadable without the link (surveys.drafts).
    """

    invitation = models.OneToOneField("surveys.Invitation", on_delete=models.CASCADE, related_name="partial")
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"Mellemgemte svar (invitation {self.invitation_id})"


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("surveys.Round", on_delete=models.PROTECT, related_name="responses")
    # False from the submit until the mixing duty has re-stored the response (seconds):
    # tells the mixer which rounds have something to mix; says nothing once mixed.
    mixed = models.BooleanField(default=False)

    class Meta:
        verbose_name = "besvarelse"
        verbose_name_plural = "besvarelser"
        indexes = [models.Index(fields=["round"], condition=models.Q(mixed=False), name="response_unmixed")]

    def __str__(self) -> str:
        return f"Besvarelse {self.pk}"


class Answer(models.Model):
    """One answer code of one response; a multiple-choice answer is one row per option."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey("surveys.Response", on_delete=models.CASCADE, related_name="answers")
    code = models.CharField(max_length=64)
    option = models.CharField(max_length=64, blank=True)
    value = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["response", "code"], name="answer_response_code")]

    def __str__(self) -> str:
        return f"{self.code}={self.option or self.text[:20]}"
