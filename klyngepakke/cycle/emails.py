"""E-mails of the cycle after the meeting, rendered only at send time.

A practice's plan link carries a fresh token made when the e-mail is sent; only its
SHA-256 is stored (`PlanToken`), and the outbox deletes it again if the send fails.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import NotRendered, RenderedEmail, renderer
from klyngepakke.support.tokens import new_token

from .models import PlanToken, PracticePlan
from .services import AFTER_MEETING


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _plan_email(message: OutboxMessage, template: str, subject: str) -> RenderedEmail:
    plan = (
        PracticePlan.objects.select_related("order__cluster", "order__package", "practice")
        .filter(pk=message.payload.get("plan"))
        .first()
    )
    if plan is None or plan.order.state not in AFTER_MEETING:
        raise NotRendered
    token, token_hash = new_token()
    PlanToken.objects.create(plan=plan, token_hash=token_hash)
    context = {
        "practice": plan.practice.name,
        "cluster": plan.order.cluster.name,
        "package_title": plan.order.package.title,
        "follow_up_on": plan.order.follow_up_due_on,
        "link": _site(reverse("cycle:plan_enter", args=[token])),
    }
    with translation.override("da"):
        return RenderedEmail(subject=subject, text=render_to_string(template, context))


@renderer("practice_plan_link")
def render_plan_link(message: OutboxMessage) -> RenderedEmail:
    return _plan_email(message, "cycle/email/plan_link.txt", "Jeres implementeringsplan efter klyngemødet")


@renderer("practice_plan_status")
def render_plan_status(message: OutboxMessage) -> RenderedEmail:
    return _plan_email(message, "cycle/email/plan_status.txt", "Hvordan går det med jeres implementeringsplan?")
