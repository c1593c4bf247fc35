"""A mail server that accepts the connection and then stalls cannot freeze the sender.

EMAIL_TIMEOUT (from the environment, default 10 s) bounds every step of the
conversation with the mail server; the send gives up and the message is retried later.
"""

from __future__ import annotations

import json
import time

import pytest
from django.utils import timezone

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import enqueue, process_outbox
from klyngepakke.web.tests.production import production_env, run_python
from tests.smtp import SilentServer

from .renderers import TEST_KIND

SEND_ONE = """
import json, signal, time
signal.alarm(20)  # a hang fails the test in 20 s, not the runner's 120
import django
django.setup()
from django.conf import settings
from django.core.mail import send_mail

started = time.monotonic()
try:
    send_mail("Emne", "Tekst", None, ["laege@example.dk"])
    outcome = "sent"
except Exception as exc:
    outcome = f"{type(exc).__name__}: {exc}"
print(json.dumps({"timeout": settings.EMAIL_TIMEOUT, "outcome": outcome, "seconds": time.monotonic() - started}))
"""


def test_sending_gives_up_within_the_timeout_from_the_environment(tmp_path):
    with SilentServer() as server:
        env = production_env(tmp_path, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(server.port), EMAIL_TIMEOUT="2")
        result = run_python(SEND_ONE, env)  # killed after 120 s if it hangs
        assert result.returncode == 0, result.stderr
        probe = json.loads(result.stdout.strip().splitlines()[-1])
        assert server.accepted, "the client never reached the silent server"
    assert probe["timeout"] == 2
    # smtplib reports the read timeout as a disconnect "...: timed out".
    assert probe["outcome"] == "SMTPServerDisconnected: Connection unexpectedly closed: timed out"
    assert 1.5 <= probe["seconds"] < 6


def test_the_timeout_defaults_to_ten_seconds(tmp_path):
    result = run_python("import klyngepakke.settings as s; print(s.EMAIL_TIMEOUT)", production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "10"


@pytest.mark.django_db
def test_a_stalled_server_leaves_the_message_queued_for_a_retry(settings):
    with SilentServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_TIMEOUT = 1
        message = enqueue(TEST_KIND, "laege@example.dk", "Emne", {"text": "Hej"})
        started = time.monotonic()
        report = process_outbox()
        seconds = time.monotonic() - started
    assert seconds < 4
    assert (report.sent, report.retrying) == (0, 1)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed: timed out"
