"""SITE_URL goes into every e-mailed survey link: production refuses to start without a real one."""

from __future__ import annotations

import json

import pytest

from .production import production_env, run_python

PRINT = "import json, klyngepakke.settings as s; print(json.dumps(s.SITE_URL))"


def refused(env: dict[str, str]) -> str:
    result = run_python(PRINT, env)
    assert result.returncode != 0, "settings imported although they should have been refused"
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    return result.stderr


@pytest.mark.parametrize("value", [None, "", "  "])
def test_production_without_site_url_is_refused(tmp_path, value):
    assert "SITE_URL is not set" in refused(production_env(tmp_path, SITE_URL=value))


def test_production_refuses_plain_http(tmp_path):
    stderr = refused(production_env(tmp_path, SITE_URL="http://klyngepakke.example.dk"))
    assert "SITE_URL must use https here, not 'http://klyngepakke.example.dk'" in stderr


@pytest.mark.parametrize(
    "value",
    [
        "klyngepakke.example.dk",
        "/s/",
        "https://",
        "ftp://klyngepakke.example.dk",
        "https://x.dk/?a=1",
        "https://x.dk/#a",
    ],
)
def test_anything_but_an_absolute_http_url_is_refused(tmp_path, value):
    for debug in ("false", "true"):
        stderr = refused(production_env(tmp_path, DEBUG=debug, SITE_URL=value))
        assert f"SITE_URL must be an absolute http(s) URL such as https://klyngepakke.dk, not {value!r}" in stderr


@pytest.mark.parametrize("value", ["https://klyngepakke.example.dk", "https://example.dk/klyngepakke/"])
def test_production_accepts_an_https_url(tmp_path, value):
    result = run_python(PRINT, production_env(tmp_path, SITE_URL=value))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == value


def test_development_defaults_to_the_local_server_and_accepts_http(tmp_path):
    result = run_python(PRINT, production_env(tmp_path, DEBUG="true", SITE_URL=None))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == "http://127.0.0.1:8000"
    result = run_python(PRINT, production_env(tmp_path, DEBUG="true", SITE_URL="http://127.0.0.1:8001"))
    assert json.loads(result.stdout) == "http://127.0.0.1:8001"
