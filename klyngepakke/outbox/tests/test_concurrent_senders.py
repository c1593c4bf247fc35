"""Two workers sending at once: every message goes out exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import OutboxReport, enqueue, process_outbox

from .renderers import TEST_KIND


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_process_outbox_calls_send_each_message_once(smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions: runs in the PostgreSQL pass of make test")
    addresses = [f"laege{i}@example.dk" for i in range(30)]
    for address in addresses:
        enqueue(TEST_KIND, address, "Invitation", {"text": "Hej"})
    barrier = threading.Barrier(2)
    reports: list[OutboxReport] = []

    def worker() -> None:
        try:
            barrier.wait()
            reports.append(process_outbox())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(reports) == 2
    assert sum(r.sent for r in reports) == len(addresses)
    assert all(r.retrying == r.failed == 0 for r in reports)
    received = Counter(str(m["To"]) for m in smtp_server.mailbox.wait_for(len(addresses)))
    assert received == Counter(addresses), "a message was sent twice or not at all"
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxMessage.Status.SENT, 1)}
