"""A development checkout's var/local.env makes the README's commands work as printed.

`make` writes the git-ignored file (DEBUG=true and a generated secret key); the settings
read it when it exists, the process environment wins over it, and without it (a
production host) the settings still fail closed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from .production import ROOT, production_env, run_python

PRINT = "import json, klyngepakke.settings as s; print(json.dumps({'DEBUG': s.DEBUG, 'SECRET_KEY': s.SECRET_KEY}))"


def copy_of_checkout(tmp_path: Path) -> Path:
    """The checkout's files as a fresh clone has them (no var/), with this venv linked in."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    target = tmp_path / "checkout"
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to((ROOT / ".venv").resolve(), target_is_directory=True)
    assert not (target / "var").exists()
    return target


def bare_env(tmp_path: Path) -> dict[str, str]:
    # No DEBUG, SECRET_KEY, DATABASE_URL or LOCAL_ENV_FILE: what a new shell has.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_documented_commands_work_as_printed_after_make_writes_the_local_env(tmp_path):
    checkout = copy_of_checkout(tmp_path)
    env = bare_env(tmp_path)
    # Before make has run, this is a production-like machine: refused.
    before = run([".venv/bin/python", "manage.py", "check"], checkout, env)
    assert before.returncode != 0
    assert "SECRET_KEY is not set" in before.stderr

    made = run(["make", "local-env"], checkout, env)
    assert made.returncode == 0, made.stdout + made.stderr
    local_env = checkout / "var" / "local.env"
    assert local_env.stat().st_mode & 0o077 == 0, "the secret key file must be private to its owner"
    ignored = run(["git", "check-ignore", "-q", "--no-index", "var/local.env"], ROOT, env)
    assert ignored.returncode == 0, "var/local.env must be git-ignored"

    for command in (
        ["manage.py", "makemigrations", "--check", "--dry-run"],
        ["manage.py", "migrate", "--verbosity", "0"],
        ["manage.py", "load_catalogue"],
    ):
        result = run([".venv/bin/python", *command], checkout, env)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"

    # Written once and kept: a second make leaves the key (and so the sessions) alone.
    key = local_env.read_text()
    assert run(["make", "local-env"], checkout, env).returncode == 0
    assert local_env.read_text() == key


def test_the_file_fills_in_and_the_process_environment_wins(tmp_path):
    local_env = tmp_path / "local.env"
    file_key = "f" * 10 + "ile-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG"
    local_env.write_text(f"# comment\n\nDEBUG=true\nSECRET_KEY={file_key}\n")
    env = production_env(tmp_path, DEBUG=None, SECRET_KEY=None, LOCAL_ENV_FILE=str(local_env))
    result = run_python(PRINT, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"DEBUG": True, "SECRET_KEY": file_key}

    env = production_env(tmp_path, DEBUG="false", LOCAL_ENV_FILE=str(local_env))
    result = run_python(PRINT, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["DEBUG"] is False
    assert json.loads(result.stdout)["SECRET_KEY"] == env["SECRET_KEY"]


def test_without_the_file_production_still_fails_closed(tmp_path):
    result = run_python(PRINT, production_env(tmp_path, DEBUG=None, SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_malformed_line_is_refused_with_its_place(tmp_path):
    local_env = tmp_path / "local.env"
    local_env.write_text("DEBUG=true\nthis is not a setting\n")
    result = run_python(PRINT, production_env(tmp_path, LOCAL_ENV_FILE=str(local_env)))
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {local_env}:2: expected NAME=value" in result.stderr
