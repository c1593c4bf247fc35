"""Shared test fixtures: logged-in clients for each kind of actor.

`staff_client` and friends log in through the real flow (password, then a TOTP code
POSTed to the verify page), so they exercise the same middleware as a browser does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from tests import factories

PASSWORD = "korrekt-hest-batteri-42"

# CI explores the same examples on every run, so a red build always reproduces; locally
# hypothesis keeps searching new examples.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default PBKDF2 costs ~0.3 s per login; tests log in a lot and do not test hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def totp_token(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The device's current code. `steps_ahead=1` gives the next one: a device refuses a
    code it has accepted before, so a second verification in the same 30 s needs it."""
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():0{device.digits}d}"


def add_totp_device(user, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Test-app", confirmed=confirmed)


def verify_second_factor(client: Client, device: TOTPDevice, steps_ahead: int = 0) -> None:
    response = client.post(reverse("accounts:otp_verify"), {"token": totp_token(device, steps_ahead)})
    assert response.status_code == 302, f"OTP verification failed ({response.status_code})"


def login(client: Client, user, password: str = PASSWORD) -> None:
    assert client.login(username=user.get_username(), password=password), "login failed"


@pytest.fixture
def make_staff_user(db) -> Callable[..., object]:
    """Factory: a staff user (superuser by default: full admin rights) with a confirmed
    TOTP device at `user.totp_device`."""

    def make(username: str | None = None, *, superuser: bool = True, with_device: bool = True):
        user = factories.user(username, staff=True, password=PASSWORD)
        if superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        user.totp_device = add_totp_device(user) if with_device else None
        return user

    return make


@pytest.fixture
def staff_user(make_staff_user):
    return make_staff_user()


@pytest.fixture
def staff_client(staff_user) -> Client:
    """A staff login with its second factor confirmed. The user is at `client.user`."""
    client = Client()
    login(client, staff_user)
    verify_second_factor(client, staff_user.totp_device)
    client.user = staff_user
    return client


@pytest.fixture
def unverified_staff_client(make_staff_user) -> Client:
    """A staff login that has given its password but no TOTP code yet."""
    user = make_staff_user()
    client = Client()
    login(client, user)
    client.user = user
    return client


@pytest.fixture
def cluster(db):
    """A cluster with one partnership practice and two members."""
    c = factories.cluster()
    p = factories.practice(c)
    factories.member(p)
    factories.member(p)
    return c


@pytest.fixture
def other_cluster(db):
    c = factories.cluster()
    factories.member(factories.practice(c, kind="solo", doctors=1))
    return c


@pytest.fixture
def coordinator_client(db) -> Callable[..., Client]:
    """Factory: a logged-in coordinator of `cluster` (or of a new cluster if none).

    The user is at `client.user`.
    """

    def make(cluster=None, username: str | None = None) -> Client:
        user = factories.coordinator(cluster or factories.cluster(), username)
        client = Client()
        login(client, user)
        client.user = user
        return client

    return make


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django's SMTP backend is pointed at it."""
    from tests.smtp import SmtpServer

    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server
