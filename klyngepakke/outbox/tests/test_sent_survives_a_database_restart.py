"""A message the mail server has accepted is recorded as sent even when the database
connection dies between the send and the record (a PostgreSQL restart does exactly
that): the worker reconnects and records it, so the message is not sent again when its
claim runs out.

bench/production_shape.py found the window: two e-mails of 131 "sent" but left
"sending", to go out a second time after CLAIM_LEASE.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.utils import timezone

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import CLAIM_LEASE, OutboxReport, enqueue, process_outbox
from tests.smtp import PausingSmtpServer

from .renderers import TEST_KIND

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="ends another session's connection with pg_terminate_backend (PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def pausing_smtp_server(settings):
    with PausingSmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        yield server


def terminate_other_backends() -> int:
    """End every other client connection to the test database, as a restart would."""
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            " AND pid <> %s",
            [connection.connection.info.backend_pid],
        ).fetchall()
    return len(rows)


def test_a_sent_message_is_recorded_after_the_connection_is_cut(pausing_smtp_server):
    connection.ensure_connection()
    message = enqueue(TEST_KIND, "laege@example.dk", "Invitation", {"text": "Hej"})
    reports: list[OutboxReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            reports.append(process_outbox())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    sender = threading.Thread(target=worker)
    sender.start()
    try:
        assert pausing_smtp_server.mailbox.arrived.wait(10), "the send never reached the mail server"
        # The worker has claimed the message and is talking to the mail server: its
        # database connection dies now.
        assert terminate_other_backends() == 1
    finally:
        pausing_smtp_server.mailbox.release.set()
        sender.join(60)
    assert not sender.is_alive()
    assert not errors, errors
    assert reports[0].sent == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    # When the claim would have run out, nothing goes out again.
    later = process_outbox(now=timezone.now() + CLAIM_LEASE + timedelta(minutes=1))
    assert later.sent == 0
    assert [str(m["To"]) for m in pausing_smtp_server.mailbox.wait_for(2, timeout=1)] == ["laege@example.dk"]
