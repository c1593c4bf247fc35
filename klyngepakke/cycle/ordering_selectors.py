"""Reads for self-service ordering: what a package page offers, the order's next steps
with their dates, and the staff's open call requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from klyngepakke.catalogue.models import Package
from klyngepakke.core.survey_schedule import SurveyDates
from klyngepakke.cycle.models import CallRequest, Order
from klyngepakke.registry.models import Cluster, ClusterAssignment

from .services import AFTER_MEETING, RUNNING, follow_up_candidates

State = Order.State


@dataclass(frozen=True)
class Step:
    on: date | None
    text: str


def next_steps(meeting_date: date, dates: SurveyDates, call_time: str = "") -> list[Step]:
    """What happens after "Bestil", in order, with the dates counted from the meeting."""
    steps = [Step(None, "Bestillingen er modtaget, og operatørens konsulenter får besked.")]
    if call_time:
        steps.append(Step(None, f"En konsulent ringer dig op ({call_time}) og gennemgår pakken og mødet med dig."))
    steps.append(
        Step(
            dates.opens_on,
            "Spørgeskemaet åbner af sig selv: alle klyngens aktive medlemmer får en personlig invitation på e-mail.",
        )
    )
    for day in sorted(dates.reminder_dates()):
        steps.append(Step(day, "Påmindelse på e-mail til dem, der ikke har svaret endnu."))
    steps.append(Step(dates.closes_on, "Sidste svardag: spørgeskemaet lukker af sig selv ved dagens slutning."))
    steps.append(
        Step(
            dates.closes_on + timedelta(days=1),
            "Mødematerialet er klar: powerpoint, uddelingskopier og regneark, også samlet i én fil (Hent alt).",
        )
    )
    steps.append(Step(meeting_date, "Klyngemødet."))
    return steps


def order_steps(order: Order) -> list[Step]:
    """An order's planned steps (none once cancelled, or without a survey schedule)."""
    if order.state == Order.State.CANCELLED:
        return []
    if order.meeting_date is None or order.survey_opens_on is None or order.survey_closes_on is None:
        return []
    dates = SurveyDates(order.survey_opens_on, order.survey_closes_on, tuple(order.reminder_days))
    call = order.call_requests.filter(handled_at__isnull=True).first()
    return next_steps(order.meeting_date, dates, call.preferred_time if call else "")


def coordinated_clusters(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Cluster]:
    """The clusters this login coordinates (the "Bestil" buttons are per cluster)."""
    if not user.is_authenticated or not user.is_active:
        return Cluster.objects.none()
    return Cluster.objects.filter(
        assignments__user=user, assignments__role=ClusterAssignment.Role.COORDINATOR
    ).order_by("name")


@dataclass(frozen=True)
class OrderChoice:
    cluster: Cluster
    # Why this cluster cannot order the package now (Danish), or "" when it can.
    refusal: str
    running: Order | None


def order_choices(user: AbstractBaseUser | AnonymousUser, package: Package) -> list[OrderChoice]:
    """Per cluster the user coordinates: may it order `package` now?"""
    follows = (package.current_version.document.get("follows_up") if package.current_version else None) or None
    choices = []
    for cluster in coordinated_clusters(user):
        running = Order.objects.filter(cluster=cluster, package=package, state__in=RUNNING).first()
        refusal = ""
        if running is not None:
            refusal = "Bestilt og i gang."
        elif follows and not follow_up_candidates(cluster, package):
            refusal = "Kan bestilles, når klyngen har holdt mødet for den første pakke."
        choices.append(OrderChoice(cluster, refusal, running))
    return choices


def follows_up_title(package: Package, packages: list[Package]) -> str:
    follows = package.current_version.document.get("follows_up") if package.current_version else None
    return next((p.title for p in packages if p.code == follows), "") if follows else ""


def sample_questions(document: dict[str, Any]) -> list[str]:
    """The Danish texts of the package's sample questions (sales.sample_items)."""
    codes = (document.get("sales") or {}).get("sample_items") or []
    texts: dict[str, str] = {}
    for section in document.get("questionnaire", {}).get("sections", []):
        for question in section.get("questions", []):
            texts.setdefault(question.get("code", ""), question.get("text", {}).get("da", ""))
            for item in question.get("items") or []:
                texts.setdefault(item.get("code", ""), item.get("text", {}).get("da", ""))
    return [texts[c] for c in codes if texts.get(c)]


def follow_up_offers(order: Order) -> list[Package]:
    """Follow-up packages this order may be followed up with (shown on a meeting-held order)."""
    if order.state not in AFTER_MEETING:
        return []
    return [
        p
        for p in Package.objects.filter(current_version__isnull=False).select_related("current_version")
        if p.current_version.document.get("follows_up") == order.package.code
    ]


def open_call_requests() -> QuerySet[CallRequest]:
    """The planning calls no consultant has handled yet, oldest first (the staff's work
    queue); a cancelled order's request is left out."""
    return (
        CallRequest.objects.filter(handled_at__isnull=True)
        .exclude(order__state=State.CANCELLED)
        .select_related("order__cluster", "order__package", "requested_by")
        .order_by("requested_at", "pk")
    )


def meeting_length(minutes: int) -> str:
    """ "2½ timer", "2 timer", "1 time og 45 minutter": the meeting's length in words."""
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} minutter"
    if rest == 30:
        return f"{hours}½ time" if hours == 1 else f"{hours}½ timer"
    unit = "time" if hours == 1 else "timer"
    return f"{hours} {unit}" if rest == 0 else f"{hours} {unit} og {rest} minutter"
