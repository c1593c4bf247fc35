"""The staff's e-mails about self-service orders (klyngepakke.cycle.ordering), rendered
at send time from the order as it is then."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import NotRendered, RenderedEmail, renderer
from klyngepakke.surveys.models import CallRequest, Order

from .emails import _site


def _order_context(order: Order) -> dict:
    return {
        "order": order,
        "cluster": order.cluster.name,
        "package_title": order.package.title,
        "link": _site(reverse("surveys:order_detail", args=[order.cluster.code, order.pk])),
    }


@renderer("staff_new_order")
def render_new_order(message: OutboxMessage) -> RenderedEmail:
    order = Order.objects.select_related("cluster", "package").filter(pk=message.payload.get("order")).first()
    if order is None or order.state == Order.State.CANCELLED:
        raise NotRendered
    with translation.override("da"):
        return RenderedEmail(
            subject=f"Ny bestilling: {order.package.title} til {order.cluster.name}",
            text=render_to_string("cycle/email/staff_new_order.txt", _order_context(order)),
        )


@renderer("staff_call_request")
def render_call_request(message: OutboxMessage) -> RenderedEmail:
    call = (
        CallRequest.objects.select_related("order__cluster", "order__package", "requested_by")
        .filter(pk=message.payload.get("call"))
        .first()
    )
    if call is None or call.handled_at is not None or call.order.state == Order.State.CANCELLED:
        raise NotRendered
    who = call.requested_by
    name = (who.get_full_name() or who.get_username()) if who is not None else "Koordinatoren"
    context = _order_context(call.order) | {"call": call, "requester": name}
    with translation.override("da"):
        return RenderedEmail(
            subject=f"Ring op: {call.order.cluster.name} ({call.order.package.title})",
            text=render_to_string("cycle/email/staff_call_request.txt", context),
        )
