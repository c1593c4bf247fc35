"""Staff must confirm a TOTP code before anything but the OTP pages and logout; others may opt in."""

from __future__ import annotations

import re
from base64 import b32decode, b32encode
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, add_totp_device, login, totp_token, verify_second_factor
from tests import factories

pytestmark = pytest.mark.django_db

VERIFY = "/konto/to-faktor/"
SETUP = "/konto/to-faktor/opsaet/"


def password_login(user, next_url: str = "") -> tuple[Client, object]:
    client = Client()
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post(reverse("accounts:login"), data)


def test_staff_password_login_goes_straight_to_the_code_page(staff_user):
    _, response = password_login(staff_user, next_url="/pakker/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/pakker/"


@pytest.mark.parametrize(
    "path", ["/", "/pakker/", "/konto/", "/konto/adgangskode/", "/admin/", "/admin/registry/cluster/", "/findes-ikke/"]
)
def test_unverified_staff_is_sent_to_the_code_page(unverified_staff_client, path):
    response = unverified_staff_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next={quote(path)}"


def test_unverified_staff_sees_only_the_logout_button(unverified_staff_client):
    page = unverified_staff_client.get(VERIFY).content.decode()
    assert "Log ud" in page
    assert "Min konto" not in page
    assert "Administration" not in page


def test_unverified_staff_may_log_out(unverified_staff_client):
    response = unverified_staff_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in unverified_staff_client.session


def test_a_wrong_code_answers_400_and_leaves_the_login_unverified(unverified_staff_client):
    response = unverified_staff_client.post(VERIFY, {"token": "000000"})
    assert response.status_code == 400
    assert "Koden passer ikke" in response.content.decode()
    assert unverified_staff_client.get("/").status_code == 302


def test_a_malformed_code_answers_400(unverified_staff_client):
    response = unverified_staff_client.post(VERIFY, {"token": "abc"})
    assert response.status_code == 400


def test_the_right_code_opens_the_site_and_the_admin(unverified_staff_client):
    device = unverified_staff_client.user.totp_device
    response = unverified_staff_client.post(VERIFY, {"token": totp_token(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert unverified_staff_client.get("/admin/").status_code == 200
    assert unverified_staff_client.get("/").status_code == 200


def test_a_code_spaced_like_the_app_shows_it_is_accepted(unverified_staff_client):
    token = totp_token(unverified_staff_client.user.totp_device)
    response = unverified_staff_client.post(VERIFY, {"token": f"{token[:3]} {token[3:]}"})
    assert response.status_code == 302


def test_an_offsite_next_is_ignored(unverified_staff_client):
    device = unverified_staff_client.user.totp_device
    response = unverified_staff_client.post(VERIFY, {"token": totp_token(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("web:home")


def test_a_used_code_cannot_be_used_again(staff_user):
    client = Client()
    login(client, staff_user)
    token = totp_token(staff_user.totp_device)
    assert client.post(VERIFY, {"token": token}).status_code == 302
    client.post(reverse("accounts:logout"))
    login(client, staff_user)
    assert client.post(VERIFY, {"token": token}).status_code == 400


def test_guessing_is_throttled_by_the_device(unverified_staff_client):
    # After a wrong code the device refuses even the right one for a short while.
    device = unverified_staff_client.user.totp_device
    assert unverified_staff_client.post(VERIFY, {"token": "000000"}).status_code == 400
    assert unverified_staff_client.post(VERIFY, {"token": totp_token(device)}).status_code == 400


def test_staff_without_a_device_is_sent_on_to_setup(make_staff_user):
    user = make_staff_user(with_device=False)
    client = Client()
    login(client, user)
    response = client.get("/pakker/")
    assert response["Location"] == f"{VERIFY}?next=/pakker/"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=/pakker/"


def shown_secret(page) -> str:
    """The secret for manual entry, as the setup page shows it (without its spaces)."""
    found = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.content.decode())
    assert found, "no secret on the page"
    return found.group(1).replace(" ", "")


def test_staff_enrols_a_device_and_is_verified_by_it(make_staff_user):
    user = make_staff_user(with_device=False)
    client = Client()
    login(client, user)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()  # looking at the page stores nothing
    assert shown_secret(client.get(SETUP)) == shown_secret(page)  # the same secret again

    assert client.post(SETUP, {"token": "000000"}).status_code == 400
    device = TOTPDevice.objects.get(user=user)  # stored with its throttle by the refused code
    assert not device.confirmed
    assert b32encode(device.bin_key).decode().rstrip("=") == shown_secret(page)

    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(SETUP, {"token": totp_token(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_a_password_alone_cannot_replace_an_enrolled_device(unverified_staff_client):
    response = unverified_staff_client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=unverified_staff_client.user).count() == 1


def test_the_admin_refuses_unverified_staff_even_without_the_middleware(settings, make_staff_user):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("StaffSecondFactorMiddleware")]
    user = make_staff_user()
    client = Client()
    login(client, user)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[0] == ("/admin/login/?next=/admin/", 302)
    assert response.status_code == 403


class TestCoordinators:
    def test_a_coordinator_without_a_device_needs_no_code(self, coordinator_client):
        assert coordinator_client().get("/").status_code == 200

    def test_a_coordinator_may_enrol_from_the_account_page(self, coordinator_client):
        client = coordinator_client()
        page = client.get(reverse("accounts:account")).content.decode()
        assert f'href="{SETUP}"' in page
        page = client.get(SETUP)
        assert page.status_code == 200
        device = TOTPDevice(key=b32decode(shown_secret(page) + "=" * (-len(shown_secret(page)) % 8)).hex())
        response = client.post(SETUP, {"token": totp_token(device)})
        assert response["Location"] == reverse("accounts:account")
        assert "Slået til" in client.get(reverse("accounts:account")).content.decode()

    def test_once_enrolled_a_coordinator_must_give_a_code_at_login(self):
        user = factories.coordinator(factories.cluster())
        device = add_totp_device(user)
        client, response = password_login(user)
        assert response["Location"] == f"{VERIFY}?next=/"
        assert client.get("/").status_code == 302
        verify_second_factor(client, device)
        assert client.get("/").status_code == 200


def test_verifying_gives_the_session_a_new_key(unverified_staff_client):
    before = unverified_staff_client.session.session_key
    verify_second_factor(unverified_staff_client, unverified_staff_client.user.totp_device)
    assert unverified_staff_client.session.session_key != before
    assert unverified_staff_client.get("/").status_code == 200
