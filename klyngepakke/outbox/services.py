"""Queue e-mails in the caller's transaction; send them from a background worker.

Renderers are registered per message kind. A renderer may write (e.g. issue the
survey token that goes into the link) and that write commits only if the e-mail was
handed to the mail backend, so a failed send leaves no live token behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None = None


Renderer = Callable[[OutboxMessage], RenderedEmail]
_RENDERERS: dict[str, Renderer] = {}


class NotRendered(Exception):
    """The renderer decided this message must not be sent any more (e.g. the round closed)."""


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        _RENDERERS[kind] = function
        return function

    return register


def enqueue(kind: str, to: str, subject: str, payload: dict[str, Any]) -> OutboxMessage:
    if kind not in _RENDERERS:
        raise ValueError(f"no renderer registered for e-mail kind {kind!r}")
    return OutboxMessage.objects.create(
        kind=kind, to=to, subject=subject, payload=payload, next_attempt_at=timezone.now()
    )


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


@dataclass
class OutboxReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)


def process_outbox(now: datetime | None = None, limit: int = 500) -> OutboxReport:
    """Send every due queued message once. Safe to run from several workers at once."""
    now = now or timezone.now()
    report = OutboxReport()
    due = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    if not due:
        return report
    connection = get_connection(fail_silently=False)
    try:
        for message_id in due:
            _send_one(message_id, connection, now, report)
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide the report
            logger.warning("closing the mail connection failed")
    return report


def _send_one(message_id: int, connection: Any, now: datetime, report: OutboxReport) -> None:
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, status=OutboxMessage.Status.QUEUED)
                .first()
            )
            if message is None:
                return  # another worker has it
            try:
                rendered = _RENDERERS[message.kind](message)
            except NotRendered:
                message.status = OutboxMessage.Status.FAILED
                message.last_error = "not sent: no longer relevant"
                message.save(update_fields=["status", "last_error"])
                report.dropped += 1
                return
            email = EmailMultiAlternatives(
                subject=rendered.subject,
                body=rendered.text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
                connection=connection,
            )
            if rendered.html:
                email.attach_alternative(rendered.html, "text/html")
            email.send()
            message.status = OutboxMessage.Status.SENT
            message.subject = rendered.subject
            message.sent_at = timezone.now()
            message.attempts += 1
            message.last_error = ""
            message.save(update_fields=["status", "subject", "sent_at", "attempts", "last_error"])
            report.sent += 1
    except Exception as exc:  # any failure is recorded and retried
        _record_failure(message_id, exc, now, report)


def _record_failure(message_id: int, exc: Exception, now: datetime, report: OutboxReport) -> None:
    message = OutboxMessage.objects.get(pk=message_id)
    message.attempts += 1
    # The class name only in the log: SMTP errors can quote the recipient's address.
    logger.warning("outbox message %s failed (attempt %s): %s", message.pk, message.attempts, type(exc).__name__)
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxMessage.Status.FAILED
        report.failed += 1
    else:
        message.next_attempt_at = now + backoff(message.attempts)
        report.retrying += 1
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    report.errors.append(message.last_error)
