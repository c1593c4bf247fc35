"""A round that closes under k: its coordinators and the consultants are told, once;
a round with k answers tells no one."""

from __future__ import annotations

import pytest
from django.utils import timezone

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.surveys import services
from klyngepakke.web.tests.test_results_pages import answered_round
from tests import factories

from .conftest import danish, delivered, queued, subject

pytestmark = pytest.mark.django_db


def test_both_are_told_once_when_a_round_closes_under_k(cluster, coordinator, consultant, settings):
    settings.NOTIFY_STAFF_EMAILS = []
    round_ = factories.open_survey_round(cluster)
    assert queued("round_closed_under_k") == queued("round_closed_under_k_staff") == []  # not while open
    services.close_round(round_, None)
    assert queued("round_closed_under_k") == [coordinator.email]
    assert queued("round_closed_under_k_staff") == [consultant.email]
    services.close_round(round_, None)
    assert len(queued("round_closed_under_k")) == len(queued("round_closed_under_k_staff")) == 1


def test_no_one_is_told_when_the_round_has_k_answers(cluster, coordinator, consultant):
    answered_round(cluster, 5)
    assert queued("round_closed_under_k") == queued("round_closed_under_k_staff") == []


def test_the_e_mails(cluster, coordinator, smtp_server, site, settings):
    settings.NOTIFY_STAFF_EMAILS = ["konsulenter@example.org"]
    OutboxMessage.objects.all().delete()
    round_ = answered_round(cluster, 3)
    OutboxMessage.objects.exclude(kind__startswith="round_closed_under_k").delete()
    mails = delivered(smtp_server, "", count=2)
    by_to = {m["To"]: m for m in mails}
    link = f"{site}/klynger/{cluster.code}/runder/{round_.pk}/"
    closed_on = danish(timezone.localdate(round_.closed_at))

    staff = by_to["konsulenter@example.org"]
    assert subject(staff) == f"Under 5 svar: {cluster.name} (Trivsel og arbejdsglæde)"
    text = smtp_server.mailbox.text_of(staff)
    assert f"lukkede {closed_on} kl." in text
    assert "med 3 svar ud af 8 mulige" in text
    assert link in text
    assert f'<a href="{link}"' in smtp_server.mailbox.html_of(staff)

    mine = by_to[coordinator.email]
    assert subject(mine) == "For få svar til resultater: Trivsel og arbejdsglæde"
    text = smtp_server.mailbox.text_of(mine)
    assert "med 3 svar ud af 8 mulige" in text
    assert "mindst 5 svar" in text
    html = smtp_server.mailbox.html_of(mine)
    assert "<strong>3 svar ud af 8</strong>" in html
    assert f'<a href="{link}"' in html
