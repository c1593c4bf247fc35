"""Account and session writes that run on a schedule."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings


def purge_expired_sessions() -> None:
    """Delete every expired session (what `manage.py clearsessions` does).

    Sessions hold who is logged in and, for a respondent, which invitation the survey
    link was exchanged for: none of it may outlive its use. The scheduler calls this on
    every pass; an expired row is never read again, so deleting it changes nothing else.
    """
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
