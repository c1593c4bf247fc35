"""A logged-in session ends after SESSION_IDLE_SECONDS without requests and after
SESSION_ABSOLUTE_SECONDS in all."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from klyngepakke.accounts.middleware import SEEN_RESOLUTION_SECONDS, SESSION_SEEN_KEY, SESSION_STARTED_KEY

pytestmark = pytest.mark.django_db


def shift_session(client: Client, **seconds_ago: int) -> None:
    """Move the session's clocks into the past: started=..., seen=... seconds ago."""
    session = client.session
    now = int(time.time())
    if "started" in seconds_ago:
        session[SESSION_STARTED_KEY] = now - seconds_ago["started"]
    if "seen" in seconds_ago:
        session[SESSION_SEEN_KEY] = now - seconds_ago["seen"]
    session.save()


def assert_logged_out_to_login(client: Client, path: str = "/pakker/") -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/konto/log-ind/?next={path}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "sessionen udløb" in page


def test_login_starts_both_clocks(coordinator_client):
    client = coordinator_client()
    session = client.session
    assert abs(session[SESSION_STARTED_KEY] - time.time()) < 5
    assert session[SESSION_SEEN_KEY] == session[SESSION_STARTED_KEY]


def test_an_active_session_within_both_limits_goes_on(settings, coordinator_client):
    client = coordinator_client()
    shift_session(client, started=settings.SESSION_ABSOLUTE_SECONDS - 60, seen=settings.SESSION_IDLE_SECONDS - 60)
    assert client.get("/pakker/").status_code == 200


def test_an_idle_session_is_logged_out(settings, coordinator_client):
    client = coordinator_client()
    shift_session(client, seen=settings.SESSION_IDLE_SECONDS + 1)
    assert_logged_out_to_login(client)


def test_a_session_past_its_absolute_lifetime_is_logged_out_even_if_active(settings, coordinator_client):
    client = coordinator_client()
    shift_session(client, started=settings.SESSION_ABSOLUTE_SECONDS + 1, seen=0)
    assert_logged_out_to_login(client)


def test_a_request_moves_the_idle_clock_forward(settings, coordinator_client):
    client = coordinator_client()
    shift_session(client, seen=SEEN_RESOLUTION_SECONDS + 5)
    client.get("/pakker/")
    assert abs(client.session[SESSION_SEEN_KEY] - time.time()) < 5


def test_idle_logout_applies_to_verified_staff_and_the_admin(settings, staff_client):
    shift_session(staff_client, seen=settings.SESSION_IDLE_SECONDS + 1)
    assert_logged_out_to_login(staff_client, "/admin/")


def test_logging_in_again_gives_a_fresh_session(settings, coordinator_client):
    client = coordinator_client()
    shift_session(client, seen=settings.SESSION_IDLE_SECONDS + 1)
    client.get("/")
    client.force_login(client.user)
    assert client.get("/").status_code == 200


def test_a_session_without_clocks_gets_them_on_its_next_request(coordinator_client):
    # Sessions that were created before these keys existed must not be thrown out.
    client = coordinator_client()
    session = client.session
    del session[SESSION_STARTED_KEY]
    del session[SESSION_SEEN_KEY]
    session.save()
    assert client.get("/").status_code == 200
    assert SESSION_STARTED_KEY in client.session


def test_anonymous_requests_are_left_alone():
    client = Client()
    assert client.get("/konto/log-ind/").status_code == 200
    assert SESSION_STARTED_KEY not in client.session
