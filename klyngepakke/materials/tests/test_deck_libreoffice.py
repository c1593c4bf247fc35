"""LibreOffice opens the deck and renders every slide (`soffice --headless
--convert-to pdf`): one PDF page per slide.

Skipped when LibreOffice is missing, unless REQUIRE_LIBREOFFICE=1 or CI is set (then a
failure): `.ci/run` installs libreoffice-impress and sets both. Speed is measured by
bench/materials.py, not here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.deck import render

from .base import meeting_country
from .deck_base import large_follow_up, withheld_round
from .deck_support import open_deck

pytestmark = pytest.mark.django_db

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def soffice():
    if SOFFICE is None:
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1" or os.environ.get("CI"):
            pytest.fail("LibreOffice is required here but not installed (apt-get install libreoffice-impress)")
        pytest.skip(
            "LibreOffice is not installed (apt-get install libreoffice-impress); REQUIRE_LIBREOFFICE=1 or CI fails"
        )
    return SOFFICE


def pdf_pages(path: Path) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - poppler's pdfinfo instead
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return len(PdfReader(str(path)).pages)


def test_libreoffice_renders_every_slide(soffice, tmp_path):
    meeting_country()
    decks = []
    for name, round_ in (("large", large_follow_up()), ("withheld", withheld_round())):
        rendered = render(meeting_materials(round_.pk))
        path = tmp_path / f"{name}.pptx"
        path.write_bytes(rendered.data)
        decks.append((path, len(open_deck(meeting_materials(round_.pk)).slides)))
    profile = tmp_path / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *[str(p) for p, _ in decks],
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    for path, slides in decks:
        pdf = path.with_suffix(".pdf")
        assert pdf.exists(), f"LibreOffice did not convert {path.name}"
        assert pdf_pages(pdf) == slides
