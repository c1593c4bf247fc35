""" "Hent alt": one zip of every meeting file of a closed round, built with the files and
following their digest rules."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from klyngepakke.materials import services
from klyngepakke.materials.exporters import exporters
from klyngepakke.materials.models import MaterialFile
from tests import factories

from .base import meeting_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def country():
    return meeting_country()


def zip_entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_holds_exactly_the_single_files(country):
    round_ = country.first_round
    files = services.build_materials(round_.pk)
    stored = {f.exporter: f for f in files}
    assert set(stored) == {e.code for e in exporters()} | {services.PACK}
    entries = zip_entries(bytes(stored[services.PACK].data))
    assert entries == {stored[e.code].name: bytes(stored[e.code].data) for e in exporters()}
    # Served from storage while the inputs are unchanged (built once).
    assert services.current_pack(round_.pk).pk == stored[services.PACK].pk


def test_a_changed_plan_gives_a_fresh_unsaved_zip_with_the_new_files(country):
    round_ = country.first_round
    services.build_materials(round_.pk)
    services.drop_materials([round_.pk])
    fresh = services.current_pack(round_.pk)
    assert fresh.pk is None  # a download is a read
    assert not MaterialFile.objects.filter(round=round_).exists()
    names = set(zip_entries(bytes(fresh.data)))
    assert names == {services.current_file(round_.pk, e.code).name for e in exporters()}


def test_the_round_page_offers_hent_alt_and_it_downloads(country):
    round_ = country.first_round
    client = Client()
    login(client, factories.coordinator(country.cluster))
    page = client.get(reverse("surveys:round_detail", args=[country.cluster.code, round_.pk])).content.decode()
    url = reverse("materials:download_all", args=[country.cluster.code, round_.pk])
    assert url in page
    assert "Hent alt" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert len(zip_entries(response.content)) == len(exporters())
