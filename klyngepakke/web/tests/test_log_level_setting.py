"""LOG_LEVEL: any case of a level name works; anything else stops start-up with a message
naming it (it was a bare "ValueError: Unable to configure root logger", even for "debug")."""

from __future__ import annotations

import pytest

from .production import production_env, run_python

SETUP = "import django, logging; django.setup(); print(logging.getLevelName(logging.getLogger().level))"


@pytest.mark.parametrize(
    ("value", "level"), [("debug", "DEBUG"), ("Warning", "WARNING"), ("ERROR", "ERROR"), ("", "INFO")]
)
def test_a_level_name_in_any_case_sets_the_root_level(tmp_path, value, level):
    result = run_python(SETUP, production_env(tmp_path, LOG_LEVEL=value))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == level


@pytest.mark.parametrize("bad", ["loud", "10", "verbose"])
def test_anything_else_is_refused_by_name(tmp_path, bad):
    result = run_python(SETUP, production_env(tmp_path, LOG_LEVEL=bad))
    assert result.returncode != 0
    assert "ValueError" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"django.core.exceptions.ImproperlyConfigured: LOG_LEVEL must be one of "
        f"DEBUG, INFO, WARNING, ERROR, CRITICAL, not {bad!r}"
    )
