"""A plain renderer for the outbox's own tests (the survey e-mails have theirs in surveys.emails)."""

from __future__ import annotations

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import RenderedEmail, renderer

TEST_KIND = "outbox_test_note"


@renderer(TEST_KIND)
def render_note(message: OutboxMessage) -> RenderedEmail:
    return RenderedEmail(subject=message.subject, text=message.payload["text"])
