"""Whole-number settings: a bad value stops start-up with a message naming it, never a bare ValueError."""

from __future__ import annotations

import json

import pytest

from .production import production_env, run_python

INTEGER_SETTINGS = {
    "SESSION_IDLE_SECONDS": 1800,
    "SESSION_ABSOLUTE_SECONDS": 36000,
    "LOGIN_FAILURE_LIMIT": 5,
    "LOGIN_FAILURE_WINDOW_SECONDS": 900,
    "LOGIN_ADDRESS_FAILURE_LIMIT": 20,
    "TRUSTED_PROXY_COUNT": 0,
    "EMAIL_PORT": 25,
    "EMAIL_TIMEOUT": 10,
    "SECURE_HSTS_SECONDS": 31536000,
}
PRINT = (
    "import json, klyngepakke.settings as s; "
    f"print(json.dumps({{n: getattr(s, n) for n in {list(INTEGER_SETTINGS)!r}}}))"
)


def settings_in(env: dict[str, str]) -> dict[str, int]:
    result = run_python(PRINT, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refusal(env: dict[str, str]) -> str:
    result = run_python(PRINT, env)
    assert result.returncode != 0
    # The one line a reader needs, not a ValueError traceback from int().
    assert "ValueError" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_defaults(tmp_path):
    assert settings_in(production_env(tmp_path)) == INTEGER_SETTINGS


def test_values_from_the_environment(tmp_path):
    env = production_env(tmp_path, **{name: str(default + 7) for name, default in INTEGER_SETTINGS.items()})
    assert settings_in(env) == {name: default + 7 for name, default in INTEGER_SETTINGS.items()}


def test_an_empty_value_means_the_default(tmp_path):
    assert settings_in(production_env(tmp_path, EMAIL_TIMEOUT="", LOGIN_FAILURE_LIMIT=" ")) == INTEGER_SETTINGS


@pytest.mark.parametrize("name", list(INTEGER_SETTINGS))
@pytest.mark.parametrize("bad", ["ten", "1.5", "30m"])
def test_a_value_that_is_not_a_whole_number_is_named(tmp_path, name, bad):
    line = refusal(production_env(tmp_path, **{name: bad}))
    assert line == f"django.core.exceptions.ImproperlyConfigured: {name} must be a whole number, not {bad!r}"


@pytest.mark.parametrize(
    ("name", "bad", "message"),
    [
        ("SESSION_IDLE_SECONDS", "0", "must be at least 1, not 0"),
        ("LOGIN_FAILURE_LIMIT", "-3", "must be at least 1, not -3"),
        ("TRUSTED_PROXY_COUNT", "-1", "must be at least 0, not -1"),
        ("EMAIL_PORT", "70000", "must be at most 65535, not 70000"),
        ("EMAIL_TIMEOUT", "0", "must be at least 1, not 0"),
    ],
)
def test_a_value_out_of_range_is_named(tmp_path, name, bad, message):
    line = refusal(production_env(tmp_path, **{name: bad}))
    assert line == f"django.core.exceptions.ImproperlyConfigured: {name} {message}"
