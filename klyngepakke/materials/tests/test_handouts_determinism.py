"""The same materials give the same handout bytes; dates inside are the data's date."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time

import pytest
from docx import Document
from pypdf import PdfReader

from klyngepakke.materials.context import meeting_materials

from .base import meeting_country
from .handouts_support import HANDOUT_CODES, render

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials():
    return meeting_materials(meeting_country().follow_up_round.pk)


def test_the_same_materials_give_the_same_bytes(materials):
    again = meeting_materials(materials.round_id)
    for code in HANDOUT_CODES:
        for extension in ("pdf", "docx"):
            first = render(f"{code}_{extension}", materials).data
            assert render(f"{code}_{extension}", again).data == first, (code, extension)


def test_dates_inside_the_files_are_the_datas_date(materials):
    noon = datetime.combine(materials.data_date, time(12, 0))
    stamp = (noon.year, noon.month, noon.day, 12, 0, 0)
    for code in HANDOUT_CODES:
        pdf = PdfReader(io.BytesIO(render(f"{code}_pdf", materials).data))
        assert pdf.metadata.creation_date.date() == materials.data_date
        data = render(f"{code}_docx", materials).data
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert {entry.date_time for entry in archive.infolist()} == {stamp}
        properties = Document(io.BytesIO(data)).core_properties
        assert properties.created.replace(tzinfo=None) == properties.modified.replace(tzinfo=None) == noon
        assert properties.language == "da-DK"
