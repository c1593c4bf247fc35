"""A claimed message belongs to its worker until the claim runs out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import CLAIM_LEASE, enqueue, process_outbox

from .renderers import TEST_KIND

pytestmark = pytest.mark.django_db


def claimed_by_another_worker(until) -> OutboxMessage:
    message = enqueue(TEST_KIND, "laege@example.dk", "Invitation", {"text": "Hej"})
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENDING, next_attempt_at=until)
    return message


def test_a_message_another_worker_is_sending_is_left_alone(smtp_server):
    message = claimed_by_another_worker(timezone.now() + CLAIM_LEASE)
    report = process_outbox()
    assert report.sent == 0
    assert smtp_server.mailbox.messages == []
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENDING


def test_a_claim_whose_worker_died_is_sent_after_the_lease(smtp_server):
    message = claimed_by_another_worker(timezone.now() - timedelta(seconds=1))
    report = process_outbox()
    assert report.sent == 1
    assert [str(m["To"]) for m in smtp_server.mailbox.wait_for(1)] == ["laege@example.dk"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1


def test_a_renderer_error_gives_the_claim_back_for_a_retry(smtp_server, monkeypatch):
    from klyngepakke.outbox import services

    def broken(message):
        raise RuntimeError("template missing")

    monkeypatch.setitem(services._RENDERERS, TEST_KIND, broken)
    message = enqueue(TEST_KIND, "laege@example.dk", "Invitation", {"text": "Hej"})
    report = process_outbox()
    assert (report.sent, report.retrying) == (0, 1)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.last_error == "RuntimeError: template missing"
    assert message.next_attempt_at > timezone.now()
