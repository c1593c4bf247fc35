"""Account e-mails: the password-reset link and the new login's set-your-password link.

Rendered only at send time: the link carries a token from Django's
PasswordResetTokenGenerator, made from the user's current password hash and last
login, so it stops working as soon as the password is set or the user logs in. The
outbox stores no body, so the token exists only in the sent e-mail.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import NotRendered, RenderedEmail, renderer

PASSWORD_RESET = "password_reset"  # noqa: S105 (an e-mail kind)
NEW_LOGIN = "new_login"


def set_password_link(user: object) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))  # type: ignore[attr-defined]
    token = default_token_generator.make_token(user)  # type: ignore[arg-type]
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL.rstrip("/") + path


def _render(message: OutboxMessage, template: str) -> RenderedEmail:
    user = get_user_model().objects.filter(pk=message.payload.get("user"), is_active=True).first()
    if user is None or not user.email:
        raise NotRendered
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    context = {
        "name": user.get_full_name() or user.get_username(),
        "username": user.get_username(),
        "link": set_password_link(user),
        "valid_days": hours // 24,
        "valid_hours": hours,
        "login_link": settings.SITE_URL.rstrip("/") + reverse("accounts:login"),
        "clusters": [
            f"{a.cluster.name} ({a.get_role_display().lower()})"
            for a in user.cluster_assignments.select_related("cluster").order_by("cluster__name")  # type: ignore[attr-defined]
        ],
    }
    # E-mails are Danish whatever language the worker process happens to run in.
    with translation.override("da"):
        return RenderedEmail(
            subject=render_to_string(f"accounts/email/{template}_subject.txt", context).strip(),
            text=render_to_string(f"accounts/email/{template}.txt", context),
            html=render_to_string(f"accounts/email/{template}.html", context),
        )


@renderer(PASSWORD_RESET)
def render_password_reset(message: OutboxMessage) -> RenderedEmail:
    return _render(message, PASSWORD_RESET)


@renderer(NEW_LOGIN)
def render_new_login(message: OutboxMessage) -> RenderedEmail:
    return _render(message, NEW_LOGIN)
