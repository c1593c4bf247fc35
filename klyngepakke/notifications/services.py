"""Notifications: e-mails to the consultants (staff) and to a cluster's coordinators,
each kind one template set (`registry.py`, `kinds.py`), queued through the outbox.

`notify` queues a notification's e-mails at most once per (kind, object, key): the
`Notice` row is inserted in the same transaction as the e-mails, so a second call - or
a second worker at the same moment - queues nothing. The e-mails are rendered when the
outbox sends them, in the recipient's language, from the object as it is then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from klyngepakke.cycle.models import Order
from klyngepakke.cycle.services import AFTER_MEETING
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import NotRendered, RenderedEmail, enqueue
from klyngepakke.registry.models import ClusterAssignment
from klyngepakke.surveys.models import Round

from . import registry
from .models import Notice
from .registry import Audience, Kind


class NotificationError(Exception):
    """A notification the caller asked for that cannot be sent; the message is Danish."""


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str


def staff_recipients() -> list[Recipient]:
    """The operator's list (NOTIFY_STAFF_EMAILS), else every active staff user's address."""
    language = settings.LANGUAGE_CODE
    if settings.NOTIFY_STAFF_EMAILS:
        return [Recipient(a, language) for a in sorted(set(settings.NOTIFY_STAFF_EMAILS))]
    users = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return [Recipient(a, language) for a in sorted(set(users.values_list("email", flat=True)))]


def coordinator_recipients(cluster_id: int) -> list[Recipient]:
    users = ClusterAssignment.objects.filter(
        cluster_id=cluster_id, role=ClusterAssignment.Role.COORDINATOR, user__is_active=True
    ).exclude(user__email="")
    # No language on a user yet: everyone reads Danish.
    language = settings.LANGUAGE_CODE
    return [Recipient(a, language) for a in sorted(set(users.values_list("user__email", flat=True)))]


def recipients(kind: Kind, obj: Any) -> list[Recipient]:
    if kind.audience is Audience.STAFF:
        return staff_recipients()
    return coordinator_recipients(kind.cluster_id(obj))


def notify(name: str, obj: models.Model, *, key: str = "", extra: dict[str, Any] | None = None) -> bool:
    """Queue notification `name` about `obj` to its recipients, unless it was queued
    before (for this key). True if it was queued now. Runs in the caller's transaction
    if there is one (an order and its "new order" e-mail are one write)."""
    kind = registry.kind(name)
    if not isinstance(obj, kind.model):
        raise TypeError(f"notification {name!r} is about a {kind.model.__name__}, not {type(obj).__name__}")
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    Notice.objects.create(kind=name, object_id=obj.pk, key=key)
            except IntegrityError:
                return False  # queued before, or by another worker just now
            for recipient in recipients(kind, obj):
                payload = {kind.payload_key: obj.pk, "language": recipient.language, **(extra or {})}
                # The subject as it reads now (the admin's list); the send renders it again.
                subject = render(kind, obj, payload).subject
                enqueue(name, recipient.address, subject, payload)
    except NotRendered:
        return False  # it does not fit the object (any more): nothing queued, nothing noted
    return True


def render(kind: Kind, obj: Any, payload: dict[str, Any]) -> RenderedEmail:
    """The kind's template set for this object, in the payload's language."""
    language = payload.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"site_url": settings.SITE_URL.rstrip("/"), **kind.context(obj, payload)}
        folder = f"notifications/{kind.name}"
        subject = " ".join(render_to_string(f"{folder}/subject.txt", context).split())
        return RenderedEmail(
            subject=subject,
            text=render_to_string(f"{folder}/body.txt", context),
            html=render_to_string(f"{folder}/body.html", {**context, "subject": subject}),
        )


def render_message(message: OutboxMessage) -> RenderedEmail:
    """The outbox renderer of every notification kind."""
    kind = registry.kind(message.kind)
    obj = kind.model._default_manager.filter(pk=message.payload.get(kind.payload_key)).first()
    if obj is None:
        raise NotRendered
    return render(kind, obj, message.payload)


# --- Called by other apps where things happen ------------------------------------------


def notify_order_placed(order: Order) -> bool:
    """Tell the consultants about a new order (call it in the order's transaction)."""
    return notify("order_placed", order)


PHONE_MAX = 40
MESSAGE_MAX = 1000


def notify_call_request(
    order: Order,
    *,
    requested_by: AbstractBaseUser | None,
    phone: str,
    message: str = "",
    request_id: int | None = None,
    today: date | None = None,
) -> bool:
    """ "Ring mig op": tell the consultants that the cluster wants a planning call.

    Once per request: pass the request's id once requests are stored; without one, once
    per order and day (a second click the same day queues nothing). Refuses an empty or
    overlong phone number or message with a Danish NotificationError. True if queued now.
    """
    phone = phone.strip()
    message = message.strip()
    if not phone:
        raise NotificationError("Skriv det telefonnummer, konsulenten kan ringe til.")
    if len(phone) > PHONE_MAX:
        raise NotificationError(f"Telefonnummeret må højst have {PHONE_MAX} tegn.")
    if len(message) > MESSAGE_MAX:
        raise NotificationError(f"Beskeden må højst have {MESSAGE_MAX} tegn.")
    key = f"request-{request_id}" if request_id is not None else (today or timezone.localdate()).isoformat()
    extra = {"by": requested_by.pk if requested_by is not None else None, "phone": phone, "message": message}
    return notify("call_requested", order, key=key, extra=extra)


def notify_round_closed(round_: Round, answered: int, k: int) -> None:
    """At a round's close (in its transaction): under k, the coordinators and the
    consultants hear that it has no results."""
    if answered < k:
        notify("round_closed_under_k", round_)
        notify("round_closed_under_k_staff", round_)


def notify_survey_opened(round_: Round) -> bool:
    """Tell the coordinators that the survey is open and when it closes."""
    return notify("survey_opened", round_)


# --- Duties (tasks/duties.py) ----------------------------------------------------------


def notify_follow_ups_due(today: date | None = None) -> int:
    """At the follow-up date, e-mail the cluster's coordinators once per order (the
    notification's `Notice` row is inserted with its e-mails: a second worker queues
    nothing). A follow-up already ordered (through "Bestil pakke" before the date) needs
    no reminder."""
    today = today or timezone.localdate()
    due = (
        Order.objects.filter(state__in=AFTER_MEETING, follow_up_due_on__lte=today)
        .exclude(follow_ups__in=Order.objects.exclude(state=Order.State.DONE))
        .exclude(pk__in=Notice.objects.filter(kind="follow_up_due").values("object_id"))
    )
    return sum(notify("follow_up_due", order) for order in due.order_by("pk"))


def _not_noticed(queryset: models.QuerySet[Any], kind: str) -> models.QuerySet[Any]:
    return queryset.exclude(pk__in=Notice.objects.filter(kind=kind, key="").values("object_id"))


def notify_response_rates(now: datetime | None = None) -> int:
    """NOTIFY_RESPONSE_RATE_DAYS_BEFORE days before a round closes, its coordinators get
    the response count once (the daily frozen count they see on the round page). Not for
    a round opened inside that window: it has no count worth telling yet."""
    now = now or timezone.now()
    before = timedelta(days=settings.NOTIFY_RESPONSE_RATE_DAYS_BEFORE)
    due = Round.objects.filter(closed_at__isnull=True, closes_at__gt=now, closes_at__lte=now + before).filter(
        opened_at__lt=models.F("closes_at") - before
    )
    return sum(notify("response_rate", round_) for round_ in _not_noticed(due, "response_rate").order_by("pk"))


# Closed longer ago than this, a round's built files tell no one anything new.
MATERIALS_RECENT_DAYS = 30


def notify_materials_ready(now: datetime | None = None) -> int:
    """Once a closed round's meeting files are built, its coordinators get one link to
    them; not for a round whose meeting is over or that closed long ago."""
    now = now or timezone.now()
    built = Round.objects.filter(
        closed_at__isnull=False,
        closed_at__gte=now - timedelta(days=MATERIALS_RECENT_DAYS),
        material_files__isnull=False,
    ).exclude(order__meeting_date__lt=timezone.localdate(now))
    rounds = _not_noticed(built, "materials_ready").distinct().order_by("pk")
    return sum(notify("materials_ready", round_) for round_ in rounds)


# The states in which a meeting is still to come.
BEFORE_MEETING = (
    Order.State.ORDERED,
    Order.State.PLANNED,
    Order.State.SURVEY_OPEN,
    Order.State.SURVEY_CLOSED,
)


def notify_meetings_tomorrow(today: date | None = None) -> int:
    """The day before a meeting, its coordinators are reminded (once per meeting date: a
    meeting moved to another day is reminded of again)."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    due = Order.objects.filter(meeting_date=tomorrow, state__in=BEFORE_MEETING).exclude(
        pk__in=Notice.objects.filter(kind="meeting_tomorrow", key=tomorrow.isoformat()).values("object_id")
    )
    return sum(
        notify("meeting_tomorrow", order, key=tomorrow.isoformat(), extra={"meeting_date": tomorrow.isoformat()})
        for order in due.order_by("pk")
    )
