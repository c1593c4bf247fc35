"""Self-service ordering: "Bestil" with a meeting date, the survey scheduled from it,
the optional planning call, cancelling, and the duty that opens scheduled rounds.

`order_refusal` is the one function that decides whether an order may be placed; every
refusal is a Danish sentence for the page (`OrderingError`). The dates' rules are in
`klyngepakke.core.survey_schedule`. Every write is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.core.survey_schedule import SurveyDates, default_dates, schedule_refusal
from klyngepakke.formats import danish_date
from klyngepakke.registry.models import Cluster

from . import services as cycle_services
from .models import CallRequest, Decision, Order, OrderEvent
from .services import RUNNING
from .signals import call_requested

State = Order.State

# An order may be cancelled until its survey opens.
CANCELLABLE = {State.ORDERED, State.PLANNED}
MAX_REASON = 300


class OrderingError(Exception):
    """An order, change or cancellation that is not allowed; the message is Danish."""


@dataclass(frozen=True)
class CallWish:
    phone: str
    preferred_time: str


@dataclass(frozen=True)
class OrderInput:
    meeting_date: date | None
    starts_at: time | None = None
    place: str = ""
    # None: the package's schedule counted from the meeting date.
    opens_on: date | None = None
    closes_on: date | None = None
    call: CallWish | None = None


def package_schedule(package: Package) -> dict:
    version = package.current_version
    schedule = (version.document.get("schedule") if version is not None else None) or {}
    return {
        "opens_weeks_before": schedule.get("opens_weeks_before", 4),
        "closes_days_before": schedule.get("closes_days_before", 5),
        "reminders_days_before_close": schedule.get("reminders_days_before_close", [7, 2]),
    }


def survey_dates(package: Package, data: OrderInput, today: date) -> SurveyDates | None:
    """The survey's dates for this order: the package's, with the coordinator's changes."""
    if data.meeting_date is None:
        return None
    schedule = package_schedule(package)
    proposed = default_dates(
        data.meeting_date,
        schedule["opens_weeks_before"],
        schedule["closes_days_before"],
        schedule["reminders_days_before_close"],
        today,
    )
    opens_on = data.opens_on or proposed.opens_on
    closes_on = data.closes_on or proposed.closes_on
    # A reminder that would fall before the survey opens (a shortened survey) is dropped;
    # one that falls too soon after the invitations is refused (schedule_refusal).
    reminders = tuple(d for d in proposed.reminder_days if closes_on - timedelta(days=d) >= opens_on)
    return SurveyDates(opens_on, closes_on, reminders)


def running_order(cluster: Cluster, package: Package) -> Order | None:
    return Order.objects.filter(cluster=cluster, package=package, state__in=RUNNING).first()


def order_refusal(
    cluster: Cluster, package: Package, data: OrderInput, today: date, *, follows_up: Order | None = None
) -> str | None:
    """Why this order cannot be placed (Danish), or None when it can. `follows_up`: the
    earlier order whose decided follow-up this is (the order page's "Bestil opfølgning")."""
    if package.current_version is None:
        return "Pakken er ikke indlæst i kataloget."
    if follows_up is not None:
        refusal = _follow_up_refusal(cluster, package, follows_up)
        if refusal is not None:
            return refusal
    if running_order(cluster, package) is not None:
        return (
            f"{cluster.name} har allerede en igangværende bestilling af {package.title}. "
            "Åbn den i stedet, eller annullér den først."
        )
    refusal = schedule_refusal(data.meeting_date, survey_dates(package, data, today), today)  # type: ignore[arg-type]
    if refusal is not None:
        return refusal
    if data.call is not None:
        digits = [c for c in data.call.phone if c.isdigit()]
        if not 8 <= len(digits) <= 15:
            return "Skriv et telefonnummer med 8 cifre, så konsulenten kan ringe dig op."
        if not data.call.preferred_time.strip():
            return "Skriv, hvornår det passer dig at blive ringet op."
    if len(data.place) > 200:
        return "Mødestedet må højst være 200 tegn."
    return None


def _follow_up_refusal(cluster: Cluster, package: Package, follows_up: Order) -> str | None:
    if follows_up.cluster_id != cluster.pk:
        return "Bestillingen, der skal følges op, hører til en anden klynge."
    refusal = cycle_services.follow_up_refusal(follows_up)
    if refusal is not None:
        return refusal
    decided = Decision.objects.filter(order=follows_up).values_list("follow_up_package_id", flat=True).first()
    if decided != package.pk:
        return "Klyngen besluttede at følge op med en anden pakke. Ret beslutningerne først."
    return None


@transaction.atomic
def place_order(
    cluster: Cluster,
    package: Package,
    data: OrderInput,
    by: AbstractBaseUser | None,
    *,
    today: date | None = None,
    follows_up: Order | None = None,
) -> Order:
    """ "Bestil": the order, its meeting plan and survey schedule, the optional call
    request, and the e-mails to staff, all or nothing. With `follows_up`, the order is
    the follow-up the cluster decided at that order's meeting, linked to it."""
    today = today or timezone.localdate()
    # Locked, so two clicks (or two coordinators) cannot both pass the duplicate check.
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    refusal = order_refusal(cluster, package, data, today, follows_up=follows_up)
    if refusal is not None:
        raise OrderingError(refusal)
    dates = survey_dates(package, data, today)
    assert dates is not None  # order_refusal checked the dates
    assert data.meeting_date is not None
    try:
        if follows_up is not None:
            order = cycle_services.order_follow_up(follows_up, by)
        else:
            order = cycle_services.order_package(cluster, package, by)
    except cycle_services.CycleError as exc:
        raise OrderingError(str(exc)) from exc
    cycle_services.plan_meeting(
        order,
        meeting_date=data.meeting_date,
        starts_at=data.starts_at,
        place=data.place.strip(),
        minutes=None,
        program_notes="",
        by=by,
    )
    _set_dates(order, dates)
    # plan_meeting recorded the move to "planned"; its event says when the survey runs.
    OrderEvent.objects.filter(pk=order.events.filter(state=State.PLANNED).latest("pk").pk).update(
        note=_dates_note(dates)
    )
    # The consultants hear of the order through `signals.order_placed` (notifications).
    if data.call is not None:
        call = CallRequest.objects.create(
            order=order, phone=data.call.phone.strip(), preferred_time=data.call.preferred_time.strip(), requested_by=by
        )
        call_requested.send(sender=CallRequest, call=call)
    order.refresh_from_db()
    return order


def _set_dates(order: Order, dates: SurveyDates) -> None:
    Order.objects.filter(pk=order.pk).update(
        survey_opens_on=dates.opens_on, survey_closes_on=dates.closes_on, reminder_days=list(dates.reminder_days)
    )


def _dates_note(dates: SurveyDates) -> str:
    return f"Spørgeskemaet åbner {danish_date(dates.opens_on)} og lukker {danish_date(dates.closes_on)}"


@transaction.atomic
def reschedule_survey(
    order: Order, opens_on: date, closes_on: date, by: AbstractBaseUser | None, *, today: date | None = None
) -> Order:
    """The coordinator moves the survey's dates (until it opens), within the same limits."""
    today = today or timezone.localdate()
    order = Order.objects.select_for_update(of=("self",)).select_related("package__current_version").get(pk=order.pk)
    if order.state not in CANCELLABLE or order.rounds.exists():
        raise OrderingError("Datoerne kan kun flyttes, før spørgeskemaet er åbnet.")
    dates = survey_dates(
        order.package, OrderInput(meeting_date=order.meeting_date, opens_on=opens_on, closes_on=closes_on), today
    )
    refusal = schedule_refusal(order.meeting_date, dates, today)  # type: ignore[arg-type]
    if refusal is not None:
        raise OrderingError(refusal)
    assert dates is not None
    _set_dates(order, dates)
    OrderEvent.objects.create(order=order, state=order.state, by=by, note=_dates_note(dates))
    order.refresh_from_db()
    return order


@transaction.atomic
def cancel_order(order: Order, reason: str, by: AbstractBaseUser | None) -> Order:
    """Cancel an order before its survey opens; the reason goes into the history."""
    reason = " ".join(reason.split())
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if order.state == State.CANCELLED:
        raise OrderingError("Bestillingen er allerede annulleret.")
    if order.state not in CANCELLABLE or order.rounds.exists():
        raise OrderingError(
            "Bestillingen kan ikke annulleres, når spørgeskemaet er åbnet: invitationerne er sendt. "
            "Luk runden i stedet, eller kontakt en konsulent."
        )
    if not reason:
        raise OrderingError("Skriv, hvorfor bestillingen annulleres.")
    if len(reason) > MAX_REASON:
        raise OrderingError(f"Begrundelsen må højst være {MAX_REASON} tegn.")
    order.state = State.CANCELLED
    order.save(update_fields=["state"])
    OrderEvent.objects.create(order=order, state=State.CANCELLED, by=by, note=reason)
    return order


# --- Staff notifications and the call requests -----------------------------------------


def mark_call_handled(call: CallRequest, by: AbstractBaseUser | None) -> bool:
    """The consultant has called; True if this marked it (not someone else first)."""
    return bool(
        CallRequest.objects.filter(pk=call.pk, handled_at__isnull=True).update(handled_at=timezone.now(), handled_by=by)
    )


def undo_call_handled(call: CallRequest) -> bool:
    """ "Fortryd": the call was marked by mistake; it goes back into the work queue. True if
    this reopened it (it was marked, and its order is not cancelled)."""
    return bool(
        CallRequest.objects.filter(pk=call.pk, handled_at__isnull=False)
        .exclude(order__state=State.CANCELLED)
        .update(handled_at=None, handled_by=None)
    )
