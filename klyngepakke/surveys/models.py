"""Orders, rounds, invitations and anonymous responses.

Anonymity is a property of this schema: `Response` and `Answer` have no foreign key to
an invitation, member or practice, no timestamp and random UUID keys; `Invitation`
keeps only *that* it was answered. The mixing duty (`services.mix_responses`, run by
the scheduler every few seconds and by `close_round`) re-stores a round's responses in
random order with new keys, together with touching its answered invitations, so that
neither row order nor transaction ids tie a response to an invitation for longer than
that short window (docs/anonymity.md, "Inside the database").
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from klyngepakke.catalogue.models import Package, PackageVersion
from klyngepakke.registry.models import Cluster, Member


class Order(models.Model):
    class State(models.TextChoices):
        ORDERED = "ordered", "Bestilt"
        PLANNED = "planned", "Planlagt"
        SURVEY_OPEN = "survey_open", "Spørgeskema åbent"
        SURVEY_CLOSED = "survey_closed", "Spørgeskema lukket"
        MEETING_HELD = "meeting_held", "Møde afholdt"
        FOLLOW_UP_DUE = "follow_up_due", "Opfølgning forfalden"
        DONE = "done", "Afsluttet"
        CANCELLED = "cancelled", "Annulleret"

    cluster = models.ForeignKey(Cluster, verbose_name="klynge", on_delete=models.PROTECT, related_name="orders")
    package = models.ForeignKey(Package, verbose_name="pakke", on_delete=models.PROTECT, related_name="orders")
    state = models.CharField("status", max_length=16, choices=State.choices, default=State.ORDERED)
    created_at = models.DateTimeField("bestilt", default=timezone.now)
    meeting_date = models.DateField("mødedato", null=True, blank=True)
    meeting_place = models.CharField("mødested", max_length=200, blank=True)
    meeting_starts_at = models.TimeField("mødestart", null=True, blank=True)
    meeting_minutes = models.PositiveSmallIntegerField("mødets længde (minutter)", null=True, blank=True)
    program_notes = models.TextField("ændringer til programmet", blank=True)
    follow_up_due_on = models.DateField("opfølgning forfalder", null=True, blank=True)
    follows_up = models.ForeignKey(
        "self", verbose_name="følger op på", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    # The survey's schedule (klyngepakke.cycle.ordering): the round opens by itself on
    # `survey_opens_on` and takes answers until the end of `survey_closes_on`.
    survey_opens_on = models.DateField("spørgeskemaet åbner", null=True, blank=True)
    survey_closes_on = models.DateField("svarfrist", null=True, blank=True)
    reminder_days = models.JSONField("påmindelser (dage før svarfristen)", default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "bestilling"
        verbose_name_plural = "bestillinger"

    def __str__(self) -> str:
        return f"{self.package} - {self.cluster}"


class OrderEvent(models.Model):
    """Who moved an order to which state, and when (audit trail)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=16, choices=Order.State.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "hændelse"
        verbose_name_plural = "hændelser"

    def __str__(self) -> str:
        return f"{self.get_state_display()} {self.at:%Y-%m-%d %H:%M}"


class CallRequest(models.Model):
    """A coordinator's "Ring mig op": a planning call with a consultant, for the staff's
    work queue (`klyngepakke.cycle.ordering.open_call_requests`)."""

    order = models.ForeignKey(Order, verbose_name="bestilling", on_delete=models.CASCADE, related_name="call_requests")
    phone = models.CharField("telefon", max_length=30)
    preferred_time = models.CharField("foretrukket tidspunkt", max_length=200)
    requested_at = models.DateTimeField("ønsket", default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField("håndteret", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = "opringning"
        verbose_name_plural = "opringninger"

    def __str__(self) -> str:
        return f"Ring op: {self.order}"


class Round(models.Model):
    order = models.ForeignKey(Order, verbose_name="bestilling", on_delete=models.PROTECT, related_name="rounds")
    package_version = models.ForeignKey(
        PackageVersion, verbose_name="pakkeversion", on_delete=models.PROTECT, related_name="rounds"
    )
    opened_at = models.DateTimeField("åbnet")
    closes_at = models.DateTimeField("lukker")
    closed_at = models.DateTimeField("lukket", null=True, blank=True)
    # Reminders go this many days before closing, to those who have not answered.
    reminder_days = models.JSONField("påmindelser (dage før lukning)", default=list)

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
    def display_name(self) -> str:
        """The round's name for people, never its database id: "Opfølgning" for the
        round of an order that follows up another, "1. måling" for an order's first
        round, else "Måling" with the day it opened ("Måling 3. mar. 2027")."""
        if self.order.follows_up_id is not None and self._is_first():
            return "Opfølgning"
        if self._is_first():
            return "1. måling"
        from django.utils.formats import date_format

        return f"Måling {date_format(timezone.localtime(self.opened_at), 'j. M Y')}"

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


class PartialAnswers(models.Model):
    """Answers kept between pages so a doctor can resume; deleted at submit and close.

    Sealed (AES-GCM) with a key derived from the respondent's link token, which the
    server does not store: unreadable without the link (surveys.drafts).
    """

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="partial")
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"Mellemgemte svar (invitation {self.invitation_id})"


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses")
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
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    code = models.CharField(max_length=64)
    option = models.CharField(max_length=64, blank=True)
    value = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["response", "code"], name="answer_response_code")]

    def __str__(self) -> str:
        return f"{self.code}={self.option or self.text[:20]}"


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
