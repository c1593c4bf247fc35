"""Every notification kind: its audience, object, context and when it is sent.

Each context is made at send time from the object as it is then; a notification that
no longer fits (the round reopened, the meeting moved or passed) raises NotRendered and
is dropped by the outbox.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from klyngepakke.cycle.models import Order, OrderEvent
from klyngepakke.materials.selectors import downloads
from klyngepakke.outbox.services import NotRendered, renderer
from klyngepakke.surveys import selectors as survey_selectors
from klyngepakke.surveys.models import Invitation, Round
from klyngepakke.surveys.services import min_group_size

from .registry import Audience, Kind, register
from .services import render_message


def _title(document: dict[str, Any]) -> str:
    titles = document.get("title", {})
    return titles.get(translation.get_language()) or titles["da"]


def _order_facts(order: Order) -> dict[str, Any]:
    return {
        "order": order,
        "cluster": order.cluster.name,
        "region": order.cluster.region.name,
        "package_title": order.package.title,
        "order_path": reverse("surveys:order_detail", args=[order.cluster.code, order.pk]),
    }


def _round_facts(round_: Round) -> dict[str, Any]:
    order = round_.order
    return {
        **_order_facts(order),
        "round": round_,
        "package_title": _title(round_.package_version.document),
        "round_path": reverse("surveys:round_detail", args=[order.cluster.code, round_.pk]),
        "closes_at": timezone.localtime(round_.closes_at),
        "invited": Invitation.objects.filter(round=round_).count(),
    }


def _person(user_id: int | None) -> str:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return ""
    name = user.get_full_name() or user.get_username()
    return f"{name} ({user.email})" if user.email else name


# --- To the consultants ---------------------------------------------------------------


def order_placed(order: Order, payload: dict[str, Any]) -> dict[str, Any]:
    event = OrderEvent.objects.filter(order=order, state=Order.State.ORDERED).order_by("pk").first()
    return {**_order_facts(order), "ordered_by": _person(event.by_id if event else None)}


def call_requested(order: Order, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        **_order_facts(order),
        "requested_by": _person(payload.get("by")),
        "phone": payload.get("phone", ""),
        "message": payload.get("message", ""),
    }


def round_closed_under_k(round_: Round, payload: dict[str, Any]) -> dict[str, Any]:
    if round_.closed_at is None:
        raise NotRendered  # reopened meanwhile
    return {
        **_round_facts(round_),
        "answered": Invitation.objects.filter(round=round_, answered=True).count(),
        "k": min_group_size(round_),
        "closed_at": timezone.localtime(round_.closed_at),
    }


# --- To the cluster's coordinators ---------------------------------------------------


def survey_opened(round_: Round, payload: dict[str, Any]) -> dict[str, Any]:
    if not round_.is_open:
        raise NotRendered
    return {**_round_facts(round_), "reminder_days": [str(days) for days in round_.reminder_days]}


def response_rate(round_: Round, payload: dict[str, Any]) -> dict[str, Any]:
    if not round_.is_open or round_.closes_at <= timezone.now():
        raise NotRendered
    # The daily frozen count, as on the round page (docs/anonymity.md: never who answered).
    return {
        **_round_facts(round_),
        "shown": survey_selectors.shown_response_count(round_),
        "k": min_group_size(round_),
    }


def materials_ready(round_: Round, payload: dict[str, Any]) -> dict[str, Any]:
    if round_.closed_at is None:
        raise NotRendered
    facts = _round_facts(round_)
    files = [d.exporter.label for d in downloads(round_)]
    # One link to the whole pack ("Hent alt": deck, handouts and spreadsheet in one zip).
    pack_path = reverse("materials:download_all", args=[round_.order.cluster.code, round_.pk])
    return {**facts, "files": files, "pack_path": pack_path}


def meeting_tomorrow(order: Order, payload: dict[str, Any]) -> dict[str, Any]:
    meeting_date = order.meeting_date
    if meeting_date is None or meeting_date.isoformat() != payload.get("meeting_date"):
        raise NotRendered  # moved: the new date has its own reminder
    if meeting_date < timezone.localdate():
        raise NotRendered
    closed = order.rounds.filter(closed_at__isnull=False).order_by("-closed_at").first()
    return {
        **_order_facts(order),
        "meeting_date": meeting_date,
        "starts_at": order.meeting_starts_at,
        "place": order.meeting_place,
        "downloads_path": (
            reverse("surveys:round_detail", args=[order.cluster.code, closed.pk]) + "#materialer" if closed else ""
        ),
    }


def follow_up_due(order: Order, payload: dict[str, Any]) -> dict[str, Any]:
    from klyngepakke.cycle.services import AFTER_MEETING

    if order.state not in AFTER_MEETING:
        raise NotRendered
    follow_up_on: date | None = order.follow_up_due_on
    return {**_order_facts(order), "follow_up_on": follow_up_on}


def _order_cluster(order: Order) -> int:
    return order.cluster_id


def _round_cluster(round_: Round) -> int:
    return round_.order.cluster_id


for _kind in (
    Kind("order_placed", Audience.STAFF, Order, "order", order_placed, _order_cluster, "a cluster orders a package"),
    Kind(
        "call_requested",
        Audience.STAFF,
        Order,
        "order",
        call_requested,
        _order_cluster,
        'a coordinator asks for a planning call ("Ring mig op")',
    ),
    Kind(
        "round_closed_under_k_staff",
        Audience.STAFF,
        Round,
        "round",
        round_closed_under_k,
        _round_cluster,
        "a round closes with fewer than k answers",
    ),
    Kind(
        "round_closed_under_k",
        Audience.COORDINATORS,
        Round,
        "round",
        round_closed_under_k,
        _round_cluster,
        "a round closes with fewer than k answers",
    ),
    Kind(
        "survey_opened",
        Audience.COORDINATORS,
        Round,
        "round",
        survey_opened,
        _round_cluster,
        "a round opens (its invitations are queued)",
    ),
    Kind(
        "response_rate",
        Audience.COORDINATORS,
        Round,
        "round",
        response_rate,
        _round_cluster,
        "NOTIFY_RESPONSE_RATE_DAYS_BEFORE days before an open round closes",
    ),
    Kind(
        "materials_ready",
        Audience.COORDINATORS,
        Round,
        "round",
        materials_ready,
        _round_cluster,
        "a closed round's meeting files have been built",
    ),
    Kind(
        "meeting_tomorrow",
        Audience.COORDINATORS,
        Order,
        "order",
        meeting_tomorrow,
        _order_cluster,
        "the day before the meeting date",
    ),
    Kind(
        "follow_up_due",
        Audience.COORDINATORS,
        Order,
        "order",
        follow_up_due,
        _order_cluster,
        "the follow-up date decided at the meeting",
    ),
):
    register(_kind)
    renderer(_kind.name)(render_message)
