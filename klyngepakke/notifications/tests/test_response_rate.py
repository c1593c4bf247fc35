"""The response rate a few days before the close (NOTIFY_RESPONSE_RATE_DAYS_BEFORE):
the coordinators get the daily frozen count once, not before the window, not after
the close, and not for a round opened inside the window."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.notifications.services import notify_response_rates
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.surveys import services
from klyngepakke.surveys.models import Round
from klyngepakke.surveys.tests.flow import Respondent
from klyngepakke.tasks.duties import DUTIES
from klyngepakke.web.tests.test_results_pages import answers
from tests import factories

from .conftest import danish, delivered, flat, queued, subject

pytestmark = pytest.mark.django_db


def open_until(cluster, days: int) -> Round:
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), None)
    day = timezone.localdate() + timedelta(days=days)
    return services.open_round(order, timezone.make_aware(datetime.combine(day, time(12, 0))), None)


def answer(round_: Round, count: int) -> None:
    unanswered = round_.invitations.filter(answered=False).order_by("pk")[:count]
    for index, invitation in enumerate(unanswered):
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all(answers(index))
        assert respondent.submit().status_code == 200


def test_it_is_a_duty():
    assert "notify_response_rates" in {d.name for d in DUTIES}


def test_three_days_before_the_close_once(cluster, coordinator, consultant):
    round_ = open_until(cluster, 10)
    window = round_.closes_at - timedelta(days=3)
    assert notify_response_rates(window - timedelta(minutes=1)) == 0
    assert queued("response_rate") == []
    assert notify_response_rates(window + timedelta(minutes=1)) == 1
    assert queued("response_rate") == [coordinator.email]  # not the consultant
    assert notify_response_rates(window + timedelta(days=1)) == 0
    assert queued("response_rate") == [coordinator.email]


def test_the_days_are_a_setting(cluster, coordinator, settings):
    settings.NOTIFY_RESPONSE_RATE_DAYS_BEFORE = 5
    round_ = open_until(cluster, 10)
    assert notify_response_rates(round_.closes_at - timedelta(days=5, minutes=1)) == 0
    assert notify_response_rates(round_.closes_at - timedelta(days=5) + timedelta(minutes=1)) == 1


def test_not_after_the_close_nor_for_a_round_opened_inside_the_window(cluster, coordinator):
    late = open_until(cluster, 10)
    assert notify_response_rates(late.closes_at + timedelta(minutes=1)) == 0
    services.close_round(late, None)
    assert notify_response_rates(late.closes_at - timedelta(days=1)) == 0  # closed early
    short = open_until(factories.survey_cluster(members=6), 2)
    assert notify_response_rates(short.closes_at - timedelta(days=1)) == 0
    assert queued("response_rate") == []


def test_the_e_mail_tells_the_frozen_count_not_the_live_one(cluster, coordinator, smtp_server, site):
    round_ = open_until(cluster, 10)
    answer(round_, 2)
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.take_response_count_snapshots(tomorrow)  # the daily figure: 2
    answer(round_, 1)  # a third answer after the snapshot
    OutboxMessage.objects.all().delete()
    notify_response_rates(round_.closes_at - timedelta(days=2))
    (mail,) = delivered(smtp_server, "2 af 8 har svaret")
    assert subject(mail) == "2 af 8 har svaret: Trivsel og arbejdsglæde"
    closes = f"{danish(round_.closes_at.date(), weekday=True)} kl. 12.00"
    text = flat(smtp_server.mailbox.text_of(mail))
    assert f"lukker {closes}. Indtil i dag har 2 af 8 inviterede svaret." in text
    assert "mindst 5 svar" in text
    link = f"{site}/klynger/{cluster.code}/runder/{round_.pk}/"
    assert link in text
    html = smtp_server.mailbox.html_of(mail)
    assert "<strong>2 af 8</strong>" in html
    assert f"<strong>{closes}</strong>" in html
    assert f'<a href="{link}"' in html
