"""Run Python or manage.py in a fresh interpreter with a production-like environment.

Settings are read once, at import, from the environment: the only honest way to test a
different environment is a new process. The environment is built from scratch, so the
developer's own DEBUG, SECRET_KEY and DATABASE_URL cannot leak in; nor can the checkout's
development file var/local.env: LOCAL_ENV_FILE names a file that does not exist, as on a
production host.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
STRONG_SECRET = "kP9-vQ2_xL7!mR4@tZ8#wN1$bH6%cJ3^fD5&gS0*yE2(uA7)oI4+eT9=rW1~nM6"


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """A complete production environment; an override of None removes that variable."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "klyngepakke.settings",
        "DEBUG": "false",
        "SECRET_KEY": STRONG_SECRET,
        "ALLOWED_HOSTS": "klyngepakke.example.dk",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "DATA_DIR": str(tmp_path),
        "SITE_URL": "https://klyngepakke.example.dk",
        "LOCAL_ENV_FILE": str(tmp_path / "no-local.env"),
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def run_manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
