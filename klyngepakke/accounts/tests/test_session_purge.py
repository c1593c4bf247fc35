"""Expired sessions are deleted by the scheduler, live ones are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from klyngepakke.accounts.services import purge_expired_sessions

pytestmark = pytest.mark.django_db


def stored_session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["survey_invitation"] = 123
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_purge_deletes_expired_sessions_and_keeps_live_ones():
    expired = stored_session(timedelta(seconds=-1))
    live = stored_session(timedelta(minutes=30))
    purge_expired_sessions()
    assert set(Session.objects.values_list("session_key", flat=True)) == {live}
    assert not SessionStore(session_key=expired).exists(expired)


# The worker's pass starts with close_old_connections(): it needs real commits.
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_pass_purges_expired_sessions():
    expired = stored_session(timedelta(hours=-2))
    live = stored_session(timedelta(hours=2))
    call_command("run_worker", "--once")
    assert set(Session.objects.values_list("session_key", flat=True)) == {live}
    assert expired != live
