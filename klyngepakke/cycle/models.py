"""The cluster's cycle: the order and its states (audit trail in `OrderEvent`), the
meeting record, the decisions, the practices' implementation plans and the follow-up.

`Order` and `OrderEvent` keep their tables from when they lived in surveys
(`surveys_order`, `surveys_orderevent`).

Nothing here concerns a respondent: the meeting record counts attendees without names,
and a plan belongs to a practice (its text is shown to the cluster only with the
practice's consent, `PracticePlan.shared`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.formats import danish_date, danish_datetime
from klyngepakke.registry.models import Cluster, Practice


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
        db_table = "surveys_order"  # the table kept its name when the model moved here
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
        db_table = "surveys_orderevent"  # the table kept its name when the model moved here
        ordering = ["at", "id"]
        verbose_name = "hændelse"
        verbose_name_plural = "hændelser"

    def __str__(self) -> str:
        return f"{self.get_state_display()} {danish_datetime(self.at)}"


class MeetingRecord(models.Model):
    """What happened at the cluster's meeting, recorded after it was held."""

    class Format(models.TextChoices):
        PHYSICAL = "physical", "Fysisk møde"
        VIRTUAL = "virtual", "Virtuelt møde"

    order = models.OneToOneField(Order, verbose_name="bestilling", on_delete=models.CASCADE, related_name="meeting")
    held_on = models.DateField("mødedato")
    minutes = models.PositiveSmallIntegerField("mødets faktiske længde (minutter)")
    format = models.CharField("mødeform", max_length=16, choices=Format.choices)
    attendees = models.PositiveSmallIntegerField("deltagende medlemmer")
    notes = models.TextField("noter", blank=True)

    class Meta:
        verbose_name = "mødereferat"
        verbose_name_plural = "mødereferater"

    def __str__(self) -> str:
        return f"Møde {danish_date(self.held_on)}"


class Decision(models.Model):
    """What the cluster decided at the meeting: focus areas and how to follow up."""

    order = models.OneToOneField(Order, verbose_name="bestilling", on_delete=models.CASCADE, related_name="decision")
    # The cluster's own focus areas, in its own words (a list of short texts).
    focus_areas = models.JSONField("fokusområder", default=list)
    follow_up_package = models.ForeignKey(
        Package, verbose_name="opfølgning med pakken", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_on = models.DateField("opfølgning", null=True, blank=True)
    topic_meetings = models.TextField("temamøder", blank=True)

    class Meta:
        verbose_name = "beslutning"
        verbose_name_plural = "beslutninger"

    def __str__(self) -> str:
        return f"Beslutninger ({self.order})"


class MeasurePoint(models.Model):
    """A measure point the cluster will follow: one of the package's eligible codes."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="measure_points")
    code = models.CharField("kode", max_length=64)
    hope = models.CharField("det håber klyngen at se", max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "målepunkt"
        verbose_name_plural = "målepunkter"
        constraints = [models.UniqueConstraint(fields=["decision", "code"], name="one_measure_point_per_code")]

    def __str__(self) -> str:
        return self.code


class CycleEvent(models.Model):
    """Who recorded or corrected what after the meeting, and when (the history).

    `data` holds the values as they were saved: meeting facts and decisions, never
    anything about a respondent, and never a practice plan's text.
    """

    class Kind(models.TextChoices):
        MEETING_RECORDED = "meeting_recorded", "Møde registreret"
        MEETING_CORRECTED = "meeting_corrected", "Mødet rettet"
        DECISIONS_SAVED = "decisions_saved", "Beslutninger gemt"
        FOLLOW_UP_ORDERED = "follow_up_ordered", "Opfølgning bestilt"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="cycle_events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "hændelse efter mødet"
        verbose_name_plural = "hændelser efter mødet"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {danish_datetime(self.at)}"


class PracticePlan(models.Model):
    """A practice's implementation plan after the meeting. It belongs to the practice."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Ikke startet"
        UNDER_WAY = "under_way", "I gang"
        DONE = "done", "Gennemført"
        DROPPED = "dropped", "Droppet"

    order = models.ForeignKey(Order, verbose_name="bestilling", on_delete=models.CASCADE, related_name="plans")
    practice = models.ForeignKey(Practice, verbose_name="praksis", on_delete=models.PROTECT, related_name="plans")
    status = models.CharField("status", max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    # The practice's consent: only then does the cluster see the plan's text.
    shared = models.BooleanField("delt med klyngen", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(null=True, blank=True)
    # When the e-mail asking to mark the status before the follow-up was queued (once).
    status_request_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["practice__name"]
        verbose_name = "implementeringsplan"
        verbose_name_plural = "implementeringsplaner"
        constraints = [models.UniqueConstraint(fields=["order", "practice"], name="one_plan_per_practice_and_order")]

    def __str__(self) -> str:
        return f"Plan for {self.practice}"


class PlanToken(models.Model):
    """One e-mailed link to a practice's plan: only the SHA-256 of the token is stored.

    Each e-mail carries a fresh token made when it is sent (as survey links do); sending
    the links again deletes the plan's older ones, so only the newest e-mails work.
    """

    plan = models.ForeignKey(PracticePlan, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Link til plan {self.plan_id}"


class PlanRow(models.Model):
    """One change the practice will make: the columns of the paper plan."""

    plan = models.ForeignKey(PracticePlan, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField(default=0)
    what = models.CharField("hvad vil vi ændre", max_length=500)
    why = models.CharField("hvorfor", max_length=500, blank=True)
    first_step = models.CharField("første skridt", max_length=500, blank=True)
    who = models.CharField("hvem", max_length=200, blank=True)
    by_when = models.DateField("hvornår", null=True, blank=True)
    how_we_know = models.CharField("hvordan ved vi, at det virker", max_length=500, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "række"
        verbose_name_plural = "rækker"

    def __str__(self) -> str:
        return self.what[:40]


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
