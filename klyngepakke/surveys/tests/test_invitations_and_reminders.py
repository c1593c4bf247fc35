"""Invitations and reminders, delivered through a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from klyngepakke.cycle.services import OrderError
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import process_outbox
from klyngepakke.surveys import reminders
from klyngepakke.surveys.models import ReminderBatch
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/s/([A-Za-z0-9_-]{32})/")


@pytest.fixture
def site(settings):
    settings.SITE_URL = "http://testserver"


def recipients(messages) -> list[str]:
    return sorted(str(m["To"]) for m in messages)


def test_every_member_gets_a_danish_invitation_with_a_working_link(survey_round, smtp_server, site):
    report = process_outbox()
    members = sorted(survey_round.invitations.values_list("member__email", flat=True))
    assert report.sent == len(members)
    messages = smtp_server.mailbox.wait_for(len(members))
    assert recipients(messages) == members
    message = messages[0]
    text, html = smtp_server.mailbox.text_of(message), smtp_server.mailbox.html_of(message)
    assert "Trivsel og arbejdsglæde" in message["Subject"]
    for body in (text, html):
        assert "Svarfrist" in body
        assert "minutter" in body
        assert "anonym" in body
    token = LINK.search(text).group(1)
    assert LINK.search(html).group(1) == token
    assert Client().get(f"/s/{token}/").status_code == 302


def test_outbox_records_what_was_sent_and_keeps_no_body(survey_round, smtp_server, site):
    process_outbox()
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
    assert sent.count() == survey_round.invitations.count()
    for message in sent:
        assert message.sent_at is not None
        assert message.attempts == 1
        assert not hasattr(message, "body_text")


def test_failed_sending_is_retried_with_backoff_and_leaves_no_live_token(survey_round, settings, site):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    from tests.smtp import SmtpServer, free_port

    settings.EMAIL_PORT = free_port()  # nothing listens here
    report = process_outbox()
    assert report.sent == 0
    assert report.retrying == survey_round.invitations.count()
    queued = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED)
    assert all(m.attempts == 1 and m.next_attempt_at > timezone.now() and m.last_error for m in queued)
    assert not survey_round.invitations.filter(tokens__isnull=False).exists()
    # Later, with the server up, the retry goes through.
    with SmtpServer() as server:
        settings.EMAIL_PORT = server.port
        report = process_outbox(now=timezone.now() + timedelta(minutes=5))
        assert report.sent == survey_round.invitations.count()
        assert len(server.mailbox.wait_for(report.sent)) == report.sent


def test_reminders_go_only_to_those_who_have_not_answered(survey_round, smtp_server, site):
    process_outbox()
    smtp_server.mailbox.messages.clear()
    done = list(survey_round.invitations.select_related("member")[:2])
    for invitation in done:
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all()
        respondent.submit()
    reminders.send_reminders_now(survey_round, None)
    report = process_outbox()
    expected = sorted(survey_round.invitations.filter(answered=False).values_list("member__email", flat=True))
    messages = smtp_server.mailbox.wait_for(len(expected))
    assert report.sent == len(expected)
    assert recipients(messages) == expected
    for message in messages:
        body = smtp_server.mailbox.text_of(message)
        assert "Påmindelse" in message["Subject"]
        # A reminder names nobody else and says nothing about who has answered.
        for invitation in done:
            assert invitation.member.email not in body
            assert invitation.member.name not in body
        token = LINK.search(body).group(1)
        assert Client().get(f"/s/{token}/").status_code == 302


def test_scheduled_reminders_are_queued_once_per_slot(survey_round):
    # A slot that fell before the round opened is skipped, so shift the opening back.
    survey_round.opened_at = timezone.now() - timedelta(days=2)
    survey_round.closes_at = timezone.now() + timedelta(days=6, hours=12)
    survey_round.reminder_days = [7, 2]
    survey_round.save()
    assert reminders.queue_due_reminders() == 1  # the 7-days-before slot has come
    assert reminders.queue_due_reminders() == 0  # and is not sent twice
    assert set(ReminderBatch.objects.values_list("slot", flat=True)) == {"auto-7"}
    later = timezone.now() + timedelta(days=5)
    assert reminders.queue_due_reminders(now=later) == 1
    assert set(ReminderBatch.objects.values_list("slot", flat=True)) == {"auto-7", "auto-2"}


def test_manual_reminders_at_most_once_a_day(survey_round):
    reminders.send_reminders_now(survey_round, None)
    with pytest.raises(OrderError, match="inden for det sidste døgn"):
        reminders.send_reminders_now(survey_round, None)


def test_reminder_for_someone_who_answered_meanwhile_is_not_sent(survey_round, smtp_server, site):
    reminders.send_reminders_now(survey_round, None)
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all()
    respondent.submit()
    report = process_outbox()
    assert report.dropped >= 1
    # Neither the queued invitation nor the reminder reaches the member who answered.
    assert invitation.member.email not in recipients(smtp_server.mailbox.wait_for(report.sent))
