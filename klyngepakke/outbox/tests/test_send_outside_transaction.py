"""No database transaction is open while the mail server is talked to.

A message is claimed in one short transaction, sent outside any transaction and its
outcome recorded in another, so a slow mail server never holds a lock: on SQLite the
write lock of the whole database, on PostgreSQL the message's row.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import OutboxReport, enqueue, process_outbox
from tests.smtp import PausingSmtpServer

from .renderers import TEST_KIND

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pausing_smtp_server(settings):
    with PausingSmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        yield server


def test_the_database_is_writable_while_a_send_is_in_progress(pausing_smtp_server):
    in_flight = enqueue(TEST_KIND, "laege@example.dk", "Invitation", {"text": "Hej"})
    reports: list[OutboxReport] = []

    def worker() -> None:
        try:
            reports.append(process_outbox())
        finally:
            connections.close_all()

    sender = threading.Thread(target=worker)
    sender.start()
    try:
        assert pausing_smtp_server.mailbox.arrived.wait(10), "the send never reached the mail server"
        # The sender is now waiting for the mail server. This thread has a connection of
        # its own: it can write, and nothing holds the in-flight message's row.
        with transaction.atomic():
            row = OutboxMessage.objects.select_for_update(nowait=True).get(pk=in_flight.pk)
            assert row.status == OutboxMessage.Status.SENDING
            enqueue(TEST_KIND, "anden@example.dk", "Påmindelse", {"text": "Hej igen"})
    finally:
        pausing_smtp_server.mailbox.release.set()
        sender.join(30)
    assert not sender.is_alive()
    assert reports[0].sent == 1
    in_flight.refresh_from_db()
    assert in_flight.status == OutboxMessage.Status.SENT
    assert in_flight.attempts == 1
    assert [str(m["To"]) for m in pausing_smtp_server.mailbox.wait_for(1)] == ["laege@example.dk"]
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).count() == 1
