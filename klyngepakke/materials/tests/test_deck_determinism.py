"""The same materials give the same deck, byte for byte, with the data's date inside
(never the clock), fast enough to build every cluster's deck."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.deck import CONTENT_TYPE, render
from klyngepakke.materials.exporters import exporter, file_stem

from .base import meeting_country
from .deck_base import large_follow_up
from .deck_support import open_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials():
    meeting_country()
    return meeting_materials(large_follow_up().pk)


def test_two_renders_are_identical(materials):
    first, second = render(materials), render(materials)
    assert first == second
    again = render(meeting_materials(materials.round_id))
    assert again.data == first.data
    # Not just the zip: every part, the embedded chart workbooks included.
    with zipfile.ZipFile(io.BytesIO(first.data)) as archive:
        assert any(name.startswith("ppt/embeddings/") for name in archive.namelist())
        stamps = {info.date_time for info in archive.infolist()}
    day = materials.data_date
    assert stamps == {(day.year, day.month, day.day, 12, 0, 0)}


def test_dates_inside_are_the_datas(materials):
    props = open_deck(materials).core_properties
    stamp = datetime.combine(materials.data_date, datetime.min.time()).replace(hour=12)
    assert props.created == stamp
    assert props.modified == stamp
    assert materials.cluster_name in props.title


def test_the_exporter_is_registered_with_its_name_and_type(materials):
    deck = exporter("deck")
    assert deck.label == "Præsentation til mødet (PowerPoint)"
    rendered = deck.render(materials)
    assert rendered.name == f"{file_stem(materials)}-praesentation.pptx"
    assert (
        rendered.content_type
        == CONTENT_TYPE
        == ("application/vnd.openxmlformats-officedocument.presentationml.presentation")
    )
