"""The round page's "Genåbn runden" form: inside the reopen window it reopens; a refusal
comes back as the service's Danish message and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from klyngepakke.surveys import services
from klyngepakke.surveys.models import Round
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(db):
    factories.shipped_catalogue()
    return factories.open_survey_round(factories.survey_cluster(members=6, solo=1))


def reopen(client, round_: Round, closes_on: str):
    url = reverse("web:round_reopen", args=[round_.order.cluster.code, round_.pk])
    return client.post(url, {"closes_on": closes_on}, follow=True)


def test_reopen_from_the_round_page(round_, coordinator_client):
    client = coordinator_client(round_.order.cluster)
    services.close_round(round_, None, reopenable=True)
    day = timezone.localdate() + timedelta(days=5)
    html = reopen(client, round_, day.isoformat()).content.decode()
    assert "Runden er genåbnet. Invitationerne er ikke sendt igen" in html
    assert "Send påmindelse nu" in html
    reopened = Round.objects.get(pk=round_.pk)
    assert reopened.closed_at is None
    assert timezone.localtime(reopened.closes_at).date() == day


def test_refused_with_the_reason_and_nothing_changes(round_, coordinator_client):
    client = coordinator_client(round_.order.cluster)
    services.close_round(round_, None)  # not by hand: published at once
    before = Round.objects.get(pk=round_.pk).closed_at
    html = reopen(client, round_, (timezone.localdate() + timedelta(days=5)).isoformat()).content.decode()
    assert "kan ikke genåbnes" in html
    assert "Genåbn runden" not in html  # the form is offered only inside the window
    assert Round.objects.get(pk=round_.pk).closed_at == before
    assert "gyldig dato" in reopen(client, round_, "i morgen").content.decode()
