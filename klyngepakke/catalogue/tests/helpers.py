"""Helpers for catalogue tests: where the shipped packages live and how to edit a copy."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from klyngepakke.catalogue.models import Package, PackageVersion

SHIPPED = Path(settings.BASE_DIR) / "packages"

SAMARBEJDE = "samarbejde-og-faellesskab.yaml"
TRIVSEL = "trivsel-og-arbejdsglaede.yaml"
OPFOELGNING = "opfoelgning-trivsel-og-arbejdsglaede.yaml"
WHO5 = "instruments/who5.yaml"


def copy_shipped(tmp_path: Path) -> Path:
    """Copy the shipped packages folder to `tmp_path/packages` (same folder name, so
    errors name files as `packages/<file>`)."""
    target = tmp_path / "packages"
    shutil.copytree(SHIPPED, target)
    return target


def edit(folder: Path, name: str, old: str, new: str) -> int:
    """Replace the one occurrence of `old` in a file of `folder` by `new`.

    Returns the 1-based line on which `new` starts, so a test can say which line an
    error must name.
    """
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    start = text.index(old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:start].count("\n") + 1


def line_of(folder: Path, name: str, fragment: str) -> int:
    """The 1-based line of the one occurrence of `fragment` in a file of `folder`."""
    text = (folder / name).read_text(encoding="utf-8")
    assert text.count(fragment) == 1, f"{fragment!r} occurs {text.count(fragment)} times in {name}"
    return text[: text.index(fragment)].count("\n") + 1


def run_load(folder: Path) -> tuple[str, str]:
    """Run `manage.py load_catalogue DIR`; return (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("load_catalogue", str(folder), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return (
        list(Package.objects.order_by("pk").values()),
        list(PackageVersion.objects.order_by("pk").values()),
    )


def load_and_capture(folder: Path) -> list[str]:
    """Run `manage.py load_catalogue DIR`, expect CommandError, return the error lines printed."""
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_catalogue", str(folder), stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()
