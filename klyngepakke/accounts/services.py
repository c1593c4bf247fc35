"""Account writes: password-reset requests, and session upkeep that runs on a schedule."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from klyngepakke.outbox.services import enqueue

from . import emails, throttle


def purge_expired_sessions() -> None:
    """Delete every expired session (what `manage.py clearsessions` does).

    Sessions hold who is logged in and, for a respondent, which invitation the survey
    link was exchanged for: none of it may outlive its use. The scheduler calls this on
    every pass; an expired row is never read again, so deleting it changes nothing else.
    """
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


class ResetThrottled(Exception):
    """Too many reset requests for this address or from this client; nothing was sent."""


def request_password_reset(email: str, client_address: str) -> int:
    """Queue a set-password link to every active login with this e-mail address.

    Returns how many were queued, for tests and logs only: the caller must answer the
    same whatever it is, so the page never tells whether an address has a login. Raises
    ResetThrottled (sending nothing) after too many requests for the address or from the
    client, counted whether or not the address exists.
    """
    email = email.strip()
    if throttle.reset_is_locked(email, client_address):
        raise ResetThrottled
    throttle.record_reset_request(email, client_address)
    users = [u for u in get_user_model().objects.filter(is_active=True, email__iexact=email) if u.email]
    with transaction.atomic():
        for user in users:
            enqueue(emails.PASSWORD_RESET, user.email, "Nulstil din adgangskode", {"user": user.pk})
    return len(users)
