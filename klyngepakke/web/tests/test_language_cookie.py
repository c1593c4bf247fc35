"""The language switch's cookie is HttpOnly and SameSite, and Secure in production."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie

import pytest
from django.test import Client

from .production import production_env, run_python

pytestmark = pytest.mark.django_db


def test_switching_language_sets_an_httponly_samesite_cookie(settings):
    response = Client().post("/sprog/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    header = cookie.output()
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


PRODUCTION_SWITCH = """
import json
import django
django.setup()
from django.test import Client

response = Client(HTTP_HOST="klyngepakke.example.dk").post("/sprog/", {"language": "en", "next": "/"}, secure=True)
print(json.dumps({"status": response.status_code, "set_cookie": response.cookies["django_language"].output()}))
"""


def test_in_production_the_language_cookie_is_also_secure(tmp_path):
    result = run_python(PRODUCTION_SWITCH, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 302
    header = probe["set_cookie"]
    assert header.startswith("Set-Cookie: django_language=en;")
    morsel = SimpleCookie(header.removeprefix("Set-Cookie: "))["django_language"]
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
