"""Fixtures for catalogue tests: a private copy of the shipped packages folder.

Tests that need a broken or changed package file edit the copy in `tmp_path`, never the
shipped files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import copy_shipped


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    return copy_shipped(tmp_path)
