"""A round that closes with fewer than k answers: the coordinator is told on the round
page and by e-mail (once), through the loopback SMTP server."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import process_outbox
from klyngepakke.surveys import services
from klyngepakke.web.tests.test_results_pages import answered_round, client_for
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(db):
    factories.shipped_catalogue()
    return factories.survey_cluster(members=8, solo=2)


def test_the_coordinator_is_told_when_a_round_closes_under_k(cluster, smtp_server):
    coordinator = factories.coordinator(cluster)
    coordinator.email = "koordinator@example.org"
    coordinator.save(update_fields=["email"])
    OutboxMessage.objects.all().delete()  # the invitations
    round_ = answered_round(cluster, 3)
    queued = OutboxMessage.objects.filter(kind="round_closed_under_k")
    assert [m.to for m in queued] == ["koordinator@example.org"]
    # Closing again changes nothing and tells no one twice.
    services.close_round(round_, None)
    assert queued.count() == 1
    process_outbox()
    (mail,) = [m for m in smtp_server.mailbox.wait_for(1) if m["To"] == "koordinator@example.org"]
    body = smtp_server.mailbox.text_of(mail)
    assert "med 3 svar ud af 8 mulige" in body
    assert "mindst 5 svar" in body
    assert reverse("surveys:round_detail", args=[cluster.code, round_.pk]) in body

    page = client_for(coordinator).get(reverse("surveys:round_detail", args=[cluster.code, round_.pk]))
    html = page.content.decode()
    assert "For få svar til resultater." in html
    assert "Runden lukkede med 3 svar" in html


def test_no_message_when_the_round_has_k_answers(cluster):
    factories.coordinator(cluster)
    answered_round(cluster, 5)
    assert not OutboxMessage.objects.filter(kind="round_closed_under_k").exists()
