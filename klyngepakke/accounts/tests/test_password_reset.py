"""'Glemt adgangskode?': a link by e-mail (through the outbox, over real SMTP), the same
answer whether or not the address has a login, throttled, and staff still need TOTP."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import totp_token
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import process_outbox
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ny-lang-kode-til-klyngen-77"


@pytest.fixture
def site(settings):
    settings.SITE_URL = "http://testserver"


def request_reset(email: str, address: str = "192.0.2.20"):
    return Client(REMOTE_ADDR=address).post(reverse("accounts:password_reset"), {"email": email})


def link_in(text: str) -> str:
    match = re.search(r"http://testserver(/konto/ny-adgangskode/[^\s\"<]+)", text)
    assert match, text
    return match.group(1)


def test_the_login_page_links_to_the_reset_page(anonymous_client):
    page = anonymous_client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in page
    assert "Glemt adgangskode?" in page


def test_a_reset_link_arrives_by_mail_and_sets_a_new_password(smtp_server, site):
    user = factories.coordinator(factories.cluster())
    response = request_reset(user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert process_outbox().sent == 1
    (mail,) = smtp_server.mailbox.wait_for(1)
    assert mail["To"] == user.email
    assert mail["Subject"] == "Vælg en ny adgangskode til Klyngepakke"
    text = smtp_server.mailbox.text_of(mail)
    assert user.username in text
    path = link_in(text)
    assert link_in(smtp_server.mailbox.html_of(mail)) == path

    client = Client()
    form_page = client.get(path, follow=True)
    assert "Vælg ny adgangskode" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert "_auth_user_id" not in client.session  # no login by the link itself
    assert Client().login(username=user.username, password=NEW_PASSWORD)
    # The link works once.
    again = Client().get(path, follow=True).content.decode()
    assert "Linket virker ikke længere" in again


def test_the_answer_is_the_same_for_an_unknown_address(smtp_server, site):
    factories.user()
    response = request_reset("bruger-findes-ikke@example.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert not OutboxMessage.objects.exists()
    done = Client().get(reverse("accounts:password_reset_done")).content.decode()
    assert "Hvis adressen hører til et login" in done


def test_an_inactive_login_gets_no_link(site):
    user = factories.user()
    user.is_active = False
    user.save()
    assert request_reset(user.email).status_code == 302
    assert not OutboxMessage.objects.exists()


def test_a_tampered_link_is_refused(site, smtp_server):
    user = factories.user()
    request_reset(user.email)
    process_outbox()
    path = link_in(smtp_server.mailbox.text_of(smtp_server.mailbox.wait_for(1)[0]))
    bad = path[:-3] + ("aaa" if not path.endswith("aaa/") else "bbb") + "/"
    page = Client().get(bad, follow=True).content.decode()
    assert "Linket virker ikke længere" in page


def test_requests_are_throttled_per_address_asked_for(settings):
    user = factories.user()
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        assert request_reset(user.email, address=f"198.51.100.{i}").status_code == 302
    refused = request_reset(user.email, address="203.0.113.5")
    assert refused.status_code == 429
    assert "For mange forsøg" in refused.content.decode()
    assert OutboxMessage.objects.count() == settings.LOGIN_FAILURE_LIMIT


def test_requests_are_throttled_per_client_whether_or_not_the_address_exists(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for i in range(3):
        request_reset(f"ukendt{i}@example.test")
    assert request_reset("ukendt-igen@example.test").status_code == 429
    assert request_reset("ukendt-igen@example.test", address="203.0.113.77").status_code == 302


def test_an_empty_or_invalid_address_is_shown_as_an_error():
    response = request_reset("ikke-en-adresse")
    assert response.status_code == 400
    assert "Skriv en gyldig e-mailadresse" in response.content.decode()


def test_staff_still_need_their_code_after_a_reset(make_staff_user, smtp_server, site):
    staff = make_staff_user()
    request_reset(staff.email)
    process_outbox()
    path = link_in(smtp_server.mailbox.text_of(smtp_server.mailbox.wait_for(1)[0]))
    client = Client()
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.post(reverse("accounts:login"), {"username": staff.username, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("admin:index")).status_code == 302  # not in without the code
    client.post(reverse("accounts:otp_verify"), {"token": totp_token(staff.totp_device)})
    assert client.get(reverse("admin:index")).status_code == 200
