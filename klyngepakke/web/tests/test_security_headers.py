"""Every response carries the security headers, whichever layer produced it."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from klyngepakke.accounts.middleware import SESSION_SEEN_KEY
from tests import factories

from .production import production_env, run_python

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response, *, page: bool = True) -> None:
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    if page:
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_page_for_anonymous():
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_redirect_to_login():
    response = Client().get(reverse("web:home"))
    assert response.status_code == 302
    assert_security_headers(response)


def test_not_found():
    response = Client().get("/findes-ikke/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_method_not_allowed():
    response = Client().get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert_security_headers(response)


def test_health_check():
    assert_security_headers(Client().get(reverse("web:healthz")))


def test_pages_of_a_verified_staff_user_and_the_admin(staff_client, cluster):
    for path in [reverse("web:home"), reverse("web:cluster_detail", args=[cluster.code]), "/admin/"]:
        response = staff_client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)


def test_second_factor_redirect_made_by_middleware(unverified_staff_client):
    response = unverified_staff_client.get(reverse("web:home"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert_security_headers(response)


def test_session_expiry_redirect_made_by_middleware(settings, coordinator_client):
    client = coordinator_client()
    session = client.session
    session[SESSION_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 10
    session.save()
    response = client.get(reverse("web:home"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert_security_headers(response)


def test_static_files_get_headers_but_may_be_cached(settings):
    # Tests run with DEBUG off and no collectstatic: let WhiteNoise serve from the apps.
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/web/site.css")
    assert response.status_code == 200
    assert_security_headers(response, page=False)
    assert "no-store" not in response["Cache-Control"]


def test_session_and_csrf_cookies_are_httponly_and_samesite():
    user = factories.user()
    client = Client()
    page = client.get(reverse("accounts:login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"]
    assert csrf["samesite"] == "Lax"
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings as s
from django.test import Client

client = Client(HTTP_HOST="klyngepakke.example.dk")
https = client.get("/healthz", secure=True)
http = client.get("/healthz")
print(json.dumps({
    "hsts": https.get("Strict-Transport-Security"),
    "https_status": https.status_code,
    "http_status": http.status_code,
    "http_location": http.get("Location"),
    "frame": https.get("X-Frame-Options"),
    "csp": https.get("Content-Security-Policy"),
    "cookies": {
        "session_secure": s.SESSION_COOKIE_SECURE,
        "session_httponly": s.SESSION_COOKIE_HTTPONLY,
        "session_samesite": s.SESSION_COOKIE_SAMESITE,
        "csrf_secure": s.CSRF_COOKIE_SECURE,
        "csrf_httponly": s.CSRF_COOKIE_HTTPONLY,
        "csrf_samesite": s.CSRF_COOKIE_SAMESITE,
    },
}))
"""


def test_production_mode_sends_hsts_redirects_to_https_and_secures_cookies(tmp_path):
    result = run_python(PRODUCTION_PROBE, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["https_status"] == 200
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["http_status"] == 301
    assert probe["http_location"] == "https://klyngepakke.example.dk/healthz"
    assert probe["frame"] == "DENY"
    assert "frame-ancestors 'none'" in probe["csp"]
    assert probe["cookies"] == {
        "session_secure": True,
        "session_httponly": True,
        "session_samesite": "Lax",
        "csrf_secure": True,
        "csrf_httponly": True,
        "csrf_samesite": "Lax",
    }
