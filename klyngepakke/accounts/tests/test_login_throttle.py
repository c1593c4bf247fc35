"""Failed logins are throttled per username and per client address, on every login path."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import PASSWORD
from klyngepakke.accounts import throttle
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/konto/log-ind/"


def attempt(username: str, password: str, address: str = "192.0.2.10"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_correct_password_logs_in_and_goes_home():
    user = factories.coordinator(factories.cluster())
    client, response = attempt(user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert logged_in(client)


def test_username_is_locked_after_the_limit_even_with_the_right_password(settings):
    user = factories.user()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _, response = attempt(user.username, "forkert-kode-123")
        assert "Forkert brugernavn eller adgangskode" in response.content.decode()
    client, response = attempt(user.username, PASSWORD)
    assert response.status_code == 200
    assert "For mange mislykkede forsøg" in response.content.decode()
    assert not logged_in(client)


def test_username_lock_follows_the_user_to_another_address(settings):
    user = factories.user()
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(user.username, "forkert-kode-123", address=f"198.51.100.{i}")
    client, response = attempt(user.username, PASSWORD, address="203.0.113.99")
    assert "For mange mislykkede forsøg" in response.content.decode()
    assert not logged_in(client)


def test_username_lock_ignores_case(settings):
    factories.user("marie")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt("MARIE", "forkert-kode-123")
    client, _ = attempt("marie", PASSWORD)
    assert not logged_in(client)


def test_address_is_locked_after_failures_on_many_usernames(settings):
    settings.LOGIN_FAILURE_LIMIT = 100
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    user = factories.user()
    for i in range(4):
        attempt(f"gaet-{i}", "forkert-kode-123", address="192.0.2.66")
    client, response = attempt(user.username, PASSWORD, address="192.0.2.66")
    assert "For mange mislykkede forsøg" in response.content.decode()
    assert not logged_in(client)
    # The same login from elsewhere is unaffected.
    client, _ = attempt(user.username, PASSWORD, address="192.0.2.67")
    assert logged_in(client)


def test_a_successful_login_resets_the_username_count(settings):
    user = factories.user()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(user.username, "forkert-kode-123")
    assert logged_in(attempt(user.username, PASSWORD)[0])
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(user.username, "forkert-kode-123")
    assert logged_in(attempt(user.username, PASSWORD)[0])


def test_the_lock_ends_when_the_window_has_passed(settings, monkeypatch):
    user = factories.user()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(user.username, "forkert-kode-123")
    assert not logged_in(attempt(user.username, PASSWORD)[0])

    real_time = throttle.time.time
    monkeypatch.setattr(throttle.time, "time", lambda: real_time() + settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    assert logged_in(attempt(user.username, PASSWORD)[0])


def test_the_window_runs_from_the_first_failure_not_the_last(settings, monkeypatch):
    # Failures spread over the window do not extend it.
    user = factories.user()
    start = throttle.time.time()
    offset = {"now": 0.0}
    monkeypatch.setattr(throttle.time, "time", lambda: start + offset["now"])
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        offset["now"] = i * 60.0
        attempt(user.username, "forkert-kode-123")
    offset["now"] = settings.LOGIN_FAILURE_WINDOW_SECONDS + 1.0
    assert logged_in(attempt(user.username, PASSWORD)[0])


def test_an_inactive_account_counts_as_a_failure(settings):
    user = factories.user()
    user.is_active = False
    user.save()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(user.username, PASSWORD)
    assert throttle.is_locked(user.username, "203.0.113.1")


class TestAdminLogin:
    """The admin has no login form of its own: it sends everyone to the throttled one."""

    def test_admin_login_page_redirects_to_ours_keeping_next(self):
        response = Client().get("/admin/login/?next=/admin/registry/cluster/")
        assert response.status_code == 302
        assert response["Location"] == "/konto/log-ind/?next=/admin/registry/cluster/"

    def test_admin_redirects_anonymous_users_to_our_login_page(self):
        response = Client().get("/admin/", follow=True)
        assert response.redirect_chain[-1][0] == "/konto/log-ind/?next=/admin/"
        assert response.status_code == 200

    def test_posting_credentials_to_the_admin_login_does_not_log_in(self, staff_user):
        client = Client()
        response = client.post("/admin/login/", {"username": staff_user.username, "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/log-ind/")
        assert not logged_in(client)

    def test_a_locked_staff_user_cannot_reach_the_admin(self, settings, staff_user):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            attempt(staff_user.username, "forkert-kode-123")
        client = Client(REMOTE_ADDR="192.0.2.10")
        response = client.post(
            "/konto/log-ind/", {"username": staff_user.username, "password": PASSWORD, "next": "/admin/"}
        )
        assert "For mange mislykkede forsøg" in response.content.decode()
        assert not logged_in(client)


class TestClientAddress:
    def request(self, **meta):
        return RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta)

    def test_without_proxies_the_address_is_remote_addr(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert throttle.client_address(self.request(HTTP_X_FORWARDED_FOR="203.0.113.5")) == "10.0.0.1"

    def test_behind_one_proxy_the_address_is_the_last_forwarded_entry(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        # The client wrote "1.2.3.4" itself; the proxy appended the real address.
        request = self.request(HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
        assert throttle.client_address(request) == "203.0.113.5"

    def test_behind_a_proxy_a_missing_header_falls_back_to_remote_addr(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert throttle.client_address(self.request()) == "10.0.0.1"
