"""Production mode is the default, and it refuses to start on an unsafe configuration."""

from __future__ import annotations

import json

import pytest

from .production import production_env, run_python

IMPORT_SETTINGS = "import klyngepakke.settings"
PRINT_SETTINGS = (
    "import json, klyngepakke.settings as s; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'HSTS': getattr(s, 'SECURE_HSTS_SECONDS', 0)}))"
)


def refused(env: dict[str, str]) -> str:
    result = run_python(IMPORT_SETTINGS, env)
    assert result.returncode != 0, "settings imported although they should have been refused"
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    return result.stderr


def test_debug_defaults_to_false(tmp_path):
    result = run_python(PRINT_SETTINGS, production_env(tmp_path, DEBUG=None))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"DEBUG": False, "HSTS": 31536000}


@pytest.mark.parametrize("debug", [None, "false", "0", "off"])
def test_no_secret_key_is_refused(tmp_path, debug):
    stderr = refused(production_env(tmp_path, DEBUG=debug, SECRET_KEY=None))
    assert "SECRET_KEY is not set" in stderr


def test_an_empty_secret_key_is_refused(tmp_path):
    assert "SECRET_KEY is not set" in refused(production_env(tmp_path, SECRET_KEY=""))


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("short-but-not-empty", id="short"),
        pytest.param("x" * 49, id="49-chars"),
        pytest.param("ab" * 40, id="too-few-distinct-characters"),
        pytest.param("django-insecure-" + "q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2j3k4l5", id="django-insecure"),
        pytest.param("dev-only-insecure-secret-key-not-for-production-use-0123456789", id="development-key"),
    ],
)
def test_a_weak_or_development_secret_key_is_refused(tmp_path, secret):
    assert "SECRET_KEY must be a unique, random value" in refused(production_env(tmp_path, SECRET_KEY=secret))


@pytest.mark.parametrize("hosts", [None, "", " , "])
def test_no_allowed_hosts_is_refused(tmp_path, hosts):
    assert "ALLOWED_HOSTS must name the host" in refused(production_env(tmp_path, ALLOWED_HOSTS=hosts))


def test_a_garbled_debug_value_is_refused_not_guessed(tmp_path):
    assert "DEBUG must be true or false" in refused(production_env(tmp_path, DEBUG="maybe"))


def test_development_mode_starts_without_secrets(tmp_path):
    env = production_env(tmp_path, DEBUG="true", SECRET_KEY=None, ALLOWED_HOSTS=None)
    result = run_python(PRINT_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["DEBUG"] is True
