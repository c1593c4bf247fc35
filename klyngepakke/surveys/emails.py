"""Survey e-mails. Rendered only at send time, each with a freshly issued link token."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import NotRendered, RenderedEmail, renderer
from klyngepakke.support.tokens import new_token

from .models import Invitation, InvitationToken


def _render(message: OutboxMessage, reminder: bool) -> RenderedEmail:
    invitation = (
        Invitation.objects.select_related("round__package_version__package", "round__order__cluster", "member")
        .filter(pk=message.payload.get("invitation"))
        .first()
    )
    if invitation is None or invitation.answered:
        raise NotRendered
    round_ = invitation.round
    if not round_.is_open or round_.closes_at <= timezone.now():
        raise NotRendered
    token, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    document = round_.package_version.document
    context = {
        "reminder": reminder,
        "package_title": document["title"]["da"],
        "cluster": round_.order.cluster.name,
        "closes_at": timezone.localtime(round_.closes_at),
        "minutes": Questionnaire(document).estimated_minutes,
        "link": f"{settings.SITE_URL.rstrip('/')}/s/{token}/",
        "name": invitation.member.name,
    }
    subject = ("Påmindelse: " if reminder else "") + f"Spørgeskema til klyngemødet om {context['package_title']}"
    # E-mails are Danish whatever language the worker process happens to run in.
    with translation.override("da"):
        return RenderedEmail(
            subject=subject,
            text=render_to_string("surveys/email/invitation.txt", context),
            html=render_to_string("surveys/email/invitation.html", context),
        )


@renderer("survey_invitation")
def render_invitation(message: OutboxMessage) -> RenderedEmail:
    return _render(message, reminder=False)


@renderer("survey_reminder")
def render_reminder(message: OutboxMessage) -> RenderedEmail:
    return _render(message, reminder=True)
