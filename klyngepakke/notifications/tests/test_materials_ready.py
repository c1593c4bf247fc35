"""The meeting pack: once a closed round's files are built, its coordinators get one
link to them, once; not before the build, not for a round whose meeting is over or
that closed long ago."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login
from klyngepakke.cycle import services as cycle_services
from klyngepakke.materials.models import MaterialFile
from klyngepakke.materials.services import build_materials, drop_materials
from klyngepakke.notifications.services import MATERIALS_RECENT_DAYS, notify_materials_ready
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.surveys.models import Round
from klyngepakke.tasks.duties import DUTIES
from klyngepakke.web.tests.test_results_pages import answered_round

from .conftest import danish, delivered, flat, queued, subject

pytestmark = pytest.mark.django_db


def test_it_is_a_duty_after_the_build():
    names = [d.name for d in DUTIES]
    assert names.index("build_missing_materials") < names.index("notify_materials_ready")


@pytest.fixture
def closed(cluster, coordinator) -> Round:
    round_ = answered_round(cluster, 5)
    OutboxMessage.objects.all().delete()
    return round_


def test_told_once_after_the_build(closed, coordinator, consultant):
    assert notify_materials_ready() == 0  # closed, not built yet
    build_materials(closed.pk)
    assert notify_materials_ready() == 1
    assert queued("materials_ready") == [coordinator.email]
    # Rebuilt after a change of the meeting plan: not told again.
    drop_materials([closed.pk])
    build_materials(closed.pk)
    assert notify_materials_ready() == 0
    assert queued("materials_ready") == [coordinator.email]


def test_not_when_the_meeting_is_over_or_the_round_closed_long_ago(closed, coordinator):
    build_materials(closed.pk)
    order = closed.order
    order.meeting_date = timezone.localdate() - timedelta(days=1)
    order.save(update_fields=["meeting_date"])
    assert notify_materials_ready() == 0
    order.meeting_date = None
    order.save(update_fields=["meeting_date"])
    assert notify_materials_ready(closed.closed_at + timedelta(days=MATERIALS_RECENT_DAYS, minutes=1)) == 0
    assert queued("materials_ready") == []


def test_the_e_mail_links_the_whole_pack(closed, cluster, coordinator, smtp_server, site):
    meeting = timezone.localdate() + timedelta(days=5)
    cycle_services.plan_meeting(
        closed.order, meeting_date=meeting, place="Lægehuset", minutes=150, program_notes="", by=None
    )
    build_materials(closed.pk)
    assert MaterialFile.objects.filter(round=closed).exists()
    notify_materials_ready()
    (mail,) = delivered(smtp_server, "Mødematerialet er klar")
    assert subject(mail) == "Mødematerialet er klar: Trivsel og arbejdsglæde"
    link = f"{site}/klynger/{cluster.code}/runder/{closed.pk}/materialer/alle.zip"
    text = flat(smtp_server.mailbox.text_of(mail))
    assert f"Mødet er {danish(meeting, weekday=True)}." in text
    assert "- Præsentation til mødet (PowerPoint)" in text
    assert f"Hent det hele i én zip-fil her: {link}" in text
    html = smtp_server.mailbox.html_of(mail)
    assert f'<a href="{link}"' in html
    assert "<li>Resultater som regneark (Excel)</li>" in html
    # The one link is the zip itself, which the coordinator downloads once logged in.
    assert html.count("<a ") == 1
    client = Client()
    login(client, coordinator)
    response = client.get(link.removeprefix(site))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
