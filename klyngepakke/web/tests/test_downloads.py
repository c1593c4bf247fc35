"""The round page and the results page offer the files once the round is closed; a
download is rebuilt when the meeting plan changed; the consultant can rebuild all."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from klyngepakke.cycle import services as cycle_services
from klyngepakke.materials.exporters import exporters
from klyngepakke.materials.models import MaterialFile
from klyngepakke.materials.services import PACK, build_missing_materials
from klyngepakke.materials.tests.base import meeting_country
from klyngepakke.registry.models import ClusterAssignment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def country():
    return meeting_country()


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def download_url(round_, code: str = "spreadsheet") -> str:
    return reverse("materials:download", args=[round_.order.cluster.code, round_.pk, code])


def test_the_round_page_lists_every_format_once_closed(country):
    round_ = country.follow_up_round
    page = client_for(factories.coordinator(country.cluster)).get(
        reverse("surveys:round_detail", args=[country.cluster.code, round_.pk])
    )
    html = page.content.decode()
    assert "Mødematerialer" in html
    for exporter in exporters():
        assert download_url(round_, exporter.code) in html
        assert exporter.label in html
    # The rebuild button is the consultant's.
    assert reverse("materials:rebuild", args=[country.cluster.code, round_.pk]) not in html


def test_a_facilitator_finds_the_files_on_the_results_page(country):
    user = factories.user()
    ClusterAssignment.objects.create(user=user, cluster=country.cluster, role=ClusterAssignment.Role.FACILITATOR)
    client = client_for(user)
    round_ = country.follow_up_round
    html = client.get(reverse("results:round", args=[country.cluster.code, round_.pk])).content.decode()
    assert download_url(round_) in html
    response = client.get(download_url(round_))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Cache-Control"] == "private, no-store"


def test_an_open_round_offers_no_files(db):
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=6)
    round_ = factories.open_survey_round(cluster)
    client = client_for(factories.coordinator(cluster))
    page = client.get(reverse("surveys:round_detail", args=[cluster.code, round_.pk])).content.decode()
    assert "Mødematerialer" not in page
    response = client.get(download_url(round_))
    assert response.status_code == 409
    assert "ikke klar endnu" in response.content.decode()


def test_a_download_is_served_from_storage_and_rebuilt_by_the_scheduler_when_the_plan_changes(country):
    round_ = country.follow_up_round
    client = client_for(factories.coordinator(country.cluster))
    MaterialFile.objects.filter(round=round_).delete()
    first = client.get(download_url(round_))  # not built yet: rendered, not stored (a read)
    assert first.status_code == 200
    assert not MaterialFile.objects.filter(round=round_).exists()
    build_missing_materials()  # the scheduler
    stored = MaterialFile.objects.get(round=round_, exporter="spreadsheet")
    assert stored.name in first["Content-Disposition"]
    again = client.get(download_url(round_))
    assert again.content == bytes(stored.data)
    assert MaterialFile.objects.get(pk=stored.pk).built_at == stored.built_at  # served from storage

    order = round_.order
    cycle_services.plan_meeting(
        order,
        meeting_date=order.meeting_date + timedelta(days=7),
        starts_at=time(17, 0),
        place=order.meeting_place,
        minutes=order.meeting_minutes,
        program_notes=order.program_notes,
        by=None,
    )
    assert not MaterialFile.objects.filter(round=round_).exists()  # the plan's change dropped them
    fresh = client.get(download_url(round_))
    assert fresh.status_code == 200
    assert not MaterialFile.objects.filter(round=round_).exists()
    build_missing_materials()
    rebuilt = MaterialFile.objects.get(round=round_, exporter="spreadsheet")
    assert rebuilt.digest != stored.digest
    assert rebuilt.built_at > stored.built_at


def test_the_consultant_rebuilds_every_file(country, staff_client):
    round_ = country.first_round
    response = staff_client.post(reverse("materials:rebuild", args=[country.cluster.code, round_.pk]), follow=True)
    assert response.status_code == 200
    assert "Mødematerialerne er bygget igen" in response.content.decode()
    assert set(MaterialFile.objects.filter(round=round_).values_list("exporter", flat=True)) == {
        e.code for e in exporters()
    } | {PACK}
