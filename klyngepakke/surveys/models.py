"""Rounds, invitations and their bookkeeping; the anonymous responses are in
`response_models` (imported at the end so Django finds them; only surveys, which
writes them, and the results layer import that module: pyproject's import contracts).

Anonymity is a property of this schema: `Response` and `Answer` have no foreign key to
an invitation, member or practice, no timestamp and random UUID keys; `Invitation`
keeps only *that* it was answered. The mixing duty (`services.mix_responses`, run by
the scheduler every few seconds and by `close_round`) re-stores a round's responses in
random order with new keys, together with touching its answered invitations, so that
neither row order nor transaction ids tie a response to an invitation for longer than
that short window (docs/anonymity.md, "Inside the database").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from klyngepakke.catalogue.models import PackageVersion
from klyngepakke.cycle.models import Order
from klyngepakke.formats import danish_date
from klyngepakke.registry.models import Member


class Round(models.Model):
    order = models.ForeignKey(Order, verbose_name="bestilling", on_delete=models.PROTECT, related_name="rounds")
    package_version = models.ForeignKey(
        PackageVersion, verbose_name="pakkeversion", on_delete=models.PROTECT, related_name="rounds"
    )
    opened_at = models.DateTimeField("åbnet")
    closes_at = models.DateTimeField("lukker")
    closed_at = models.DateTimeField("lukket", null=True, blank=True)
    # Closed by hand ("Luk runden nu"): until this moment (the end of that local day) the
    # round may be reopened and its results are not published (docs/anonymity.md, rule 5).
    # None for a round closed by the scheduler at its deadline, and for an open round.
    reopen_until = models.DateTimeField("kan genåbnes indtil", null=True, blank=True)
    # Reminders go this many days before closing, to those who have not answered.
    reminder_days = models.JSONField("påmindelser (dage før lukning)", default=list)
    # A follow-up round's own questionnaire, composed and frozen when it opens: the package
    # version's document plus the measure points chosen at the meeting it follows up and
    # the package's follow-up questions (klyngepakke.core.follow_up). Null: the round asks
    # its package version as it is. Never changed after the round opens.
    document = models.JSONField("spørgeskema sammensat ved åbning", null=True, blank=True, editable=False)
    document_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "runde"
        verbose_name_plural = "runder"

    def __str__(self) -> str:
        return f"{self.display_name}: {self.order}" if self.pk else f"Ny runde: {self.order}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def questionnaire_document(self) -> dict[str, Any]:
        """What this round asks and scores: its own frozen document, else its package version's."""
        return self.document if self.document is not None else self.package_version.document

    @property
    def display_name(self) -> str:
        """The round's name for people, never its database id: "Opfølgning" for the
        round of an order that follows up another, "1. måling" for an order's first
        round, else "Måling" with the day it opened ("Måling 3. mar. 2027")."""
        if self.order.follows_up_id is not None and self._is_first():
            return "Opfølgning"
        if self._is_first():
            return "1. måling"
        return f"Måling {danish_date(self.opened_at)}"

    def _is_first(self) -> bool:
        first = self.order.rounds.order_by("opened_at", "pk").values_list("pk", flat=True).first()
        return first == self.pk


class Invitation(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invitations")
    answered = models.BooleanField(default=False)

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitationer"
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="one_invitation_per_member")]

    def __str__(self) -> str:
        return f"Invitation {self.pk} (runde {self.round_id})"


class InvitationToken(models.Model):
    """One e-mailed link. Only the SHA-256 of the token is stored.

    Every e-mail (invitation or reminder) carries a fresh token made when the e-mail
    is sent, so no token ever sits in the database in clear, not even in the outbox.
    """

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Link til invitation {self.invitation_id}"


class ResponseCountSnapshot(models.Model):
    """The response count a coordinator sees; taken at most once a day per round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="count_snapshots")
    day = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "day"], name="one_snapshot_per_round_and_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"


class ReminderBatch(models.Model):
    """That reminders were queued for a round, so a scheduled slot is never sent twice.

    It records neither recipients nor how many there were: the number of
    non-respondents at a given moment would tell more than the daily count does.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminder_batches")
    slot = models.CharField(max_length=32)
    queued_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "slot"], name="one_batch_per_round_slot")]

    def __str__(self) -> str:
        return f"Påmindelser {self.slot}"


# The anonymous responses: registered with Django here, imported by name only from
# `response_models` (so a forbidden import is visible to import-linter).
from . import response_models  # noqa: E402, F401
