"""The "Min konto" page, password change, and the password rules from settings."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from tests import factories

pytestmark = pytest.mark.django_db


def test_account_page_names_the_login_and_its_clusters(cluster, coordinator_client):
    client = coordinator_client(cluster)
    page = client.get(reverse("accounts:account")).content.decode()
    assert client.user.username in page
    assert cluster.name in page
    assert reverse("accounts:password_change") in page


def test_password_change_keeps_the_session_and_the_new_password_works(coordinator_client):
    client = coordinator_client()
    new = "lang-og-sjaelden-frase-77"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    assert client.get(reverse("accounts:account")).status_code == 200
    client.user.refresh_from_db()
    assert client.user.check_password(new)


def test_password_change_needs_the_current_password(coordinator_client):
    client = coordinator_client()
    new = "lang-og-sjaelden-frase-77"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "ikke-den-rigtige", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    client.user.refresh_from_db()
    assert client.user.check_password(PASSWORD)


def test_password_change_applies_the_validators(coordinator_client):
    client = coordinator_client()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "kort1", "new_password2": "kort1"},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    client.user.refresh_from_db()
    assert client.user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "password",
    [
        "kort-kode1",  # under 12 characters
        "password1234",  # common
        "123456789012345",  # numeric only
        "marie.jensen.lh",  # too like the username
    ],
)
def test_weak_passwords_are_refused(password):
    user = factories.user("marie.jensen.lh")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted():
    validate_password("korrekt-hest-batteri-42", factories.user())
