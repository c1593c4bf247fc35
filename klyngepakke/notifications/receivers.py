"""The notifications the lower layers ask for through their signals (they do not import
this app): each runs inside the transaction of its cause, so the notice and its e-mails
are written with it or not at all."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from klyngepakke.cycle.signals import call_requested, order_placed
from klyngepakke.surveys.signals import round_closed, survey_opened

from . import services


@receiver(order_placed, dispatch_uid="notifications.order_placed")
def _order_placed(sender: Any, order: Any, **kwargs: Any) -> None:
    services.notify_order_placed(order)


@receiver(survey_opened, dispatch_uid="notifications.survey_opened")
def _survey_opened(sender: Any, round_: Any, **kwargs: Any) -> None:
    services.notify_survey_opened(round_)


@receiver(round_closed, dispatch_uid="notifications.round_closed")
def _round_closed(sender: Any, round_: Any, answered: int, k: int, **kwargs: Any) -> None:
    services.notify_round_closed(round_, answered, k)


@receiver(call_requested, dispatch_uid="notifications.call_requested")
def _call_requested(sender: Any, call: Any, **kwargs: Any) -> None:
    services.notify_call_request(
        call.order,
        requested_by=call.requested_by,
        phone=call.phone,
        message=f"Foretrukket tidspunkt: {call.preferred_time}" if call.preferred_time else "",
        request_id=call.pk,
    )
