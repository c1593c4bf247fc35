"""Hostile package files (alias bombs, self-referencing aliases, deep nesting, oversized
files, control characters) are refused by `load_catalogue` with file:line and a message: quickly, within
bounded memory, without a traceback, and without changing the catalogue."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from klyngepakke.core.tests.test_yaml_limits import BILLION_LAUGHS
from klyngepakke.core.yaml_source import MAX_DEPTH

from .helpers import SHIPPED, run_load
from .test_invalid_files import load_and_capture, snapshot

HOSTILE = {
    "bombe.yaml": (BILLION_LAUGHS, 2, "anchors (&a) are not allowed in package files"),
    "loekke.yaml": (
        "format: 1\nkind: package\ncode: loekke\nloop: &loop [1, *loop]\n",
        4,
        "anchors (&loop) are not allowed in package files",
    ),
    "dyb.yaml": ("format: 1\nkind: package\ndeep: " + "[" * 10_000 + "]" * 10_000 + "\n", 3, None),
    "stor.yaml": ("format: 1\nkind: package\ntitle: " + "x" * 2_000_000 + "\n", 3, None),
    # A control character (a NUL pasted with a text): the YAML reader's own error, which
    # is no MarkedYAMLError, once escaped the loader as a traceback.
    "nul.yaml": ("format: 1\nkind: package\ntitle: Trivsel æøå\nintro: Før\x00efter\n", 4, None),
}
MESSAGES = {
    "dyb.yaml": f"nested deeper than {MAX_DEPTH} levels",
    "stor.yaml": "file is larger than 1024 KiB (the limit for a package file)",
    "nul.yaml": "control character U+0000 is not allowed in a package file",
}


def expected_line(name: str) -> str:
    _text, line, message = HOSTILE[name]
    return f"packages/{name}:{line}: {message or MESSAGES[name]}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_with_file_line_and_changes_nothing(catalogue_dir: Path, name: str):
    run_load(SHIPPED)
    before = snapshot()
    (catalogue_dir / name).write_text(HOSTILE[name][0], encoding="utf-8")
    started = time.monotonic()

    errors = load_and_capture(catalogue_dir)

    assert time.monotonic() - started < 10
    assert errors == [expected_line(name)]
    assert snapshot() == before


def _limit_memory() -> None:
    # 2 GiB of address space: the unexpanded bomb needs 3 GB and more; a real load ~0.3.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_the_command_refuses_them_all_without_a_traceback_or_a_crash(tmp_path: Path):
    folder = tmp_path / "packages"
    folder.mkdir()
    for name, (text, _line, _message) in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    # A migrated database, as any load has: the loader compares files with stored versions.
    migrated = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "migrate", "--verbosity", "0"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr[-2000:]

    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "load_catalogue", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        preexec_fn=_limit_memory,
        check=False,
    )

    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    for name in sorted(HOSTILE):
        assert expected_line(name) in lines
    assert f"CommandError: {len(HOSTILE)} error(s); nothing was loaded." in lines
