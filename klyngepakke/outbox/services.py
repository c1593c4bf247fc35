"""Queue e-mails in the caller's transaction; send them from a background worker.

Renderers are registered per message kind. A renderer may write (e.g. issue the
survey token that goes into the link); the rows it creates (with save() or create():
they are seen through post_save, so not with bulk_create) are deleted again if the
mail backend refuses the e-mail, so a failed send leaves no live token behind. (A
worker that dies mid-send can leave such a row, whose secret then exists nowhere.)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, InterfaceError, OperationalError, models, transaction
from django.db import connection as db_connection
from django.db.models import F, QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
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
    """Send every due queued message once. Safe to run from several workers at once.

    No database transaction is open while a mail server is talked to: each message is
    claimed (and rendered) in one short transaction, sent outside any transaction, and
    its outcome recorded in another short one. So a slow or stalled mail server never
    holds a database lock (on SQLite: the write lock of the whole database).
    """
    now = now or timezone.now()
    report = OutboxReport()
    due = list(_claimable(now).order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
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


# How long a claim keeps other workers off a message. A worker that dies mid-send leaves
# the message in "sending"; after this it is due again (far longer than any send takes,
# EMAIL_TIMEOUT bounding each step of the conversation with the mail server).
CLAIM_LEASE = timedelta(minutes=15)


def _claimable(now: datetime) -> QuerySet[OutboxMessage]:
    # Queued and due, or claimed by a worker whose lease has run out.
    return OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING], next_attempt_at__lte=now
    )


@dataclass
class _Claimed:
    message: OutboxMessage
    rendered: RenderedEmail
    # Rows the renderer created (e.g. the survey link's token): removed if the send fails,
    # so a failed send leaves no live token behind.
    created: list[tuple[type[models.Model], Any]]


def _claim_and_render(message_id: int, now: datetime, report: OutboxReport) -> _Claimed | None:
    with transaction.atomic():
        # A conditional UPDATE: of two workers racing for a message, exactly one changes
        # the row (the other's WHERE no longer matches once the first has committed).
        claimed = (
            _claimable(now)
            .filter(pk=message_id)
            .update(status=OutboxMessage.Status.SENDING, next_attempt_at=timezone.now() + CLAIM_LEASE)
        )
        if not claimed:
            return None  # another worker has it, or has sent it
        message = OutboxMessage.objects.get(pk=message_id)
        with _recording_created_rows() as created:
            try:
                rendered = _RENDERERS[message.kind](message)
            except NotRendered:
                message.status = OutboxMessage.Status.FAILED
                message.last_error = "not sent: no longer relevant"
                message.save(update_fields=["status", "last_error"])
                report.dropped += 1
                return None
        return _Claimed(message, rendered, created)


def _send_one(message_id: int, connection: Any, now: datetime, report: OutboxReport) -> None:
    try:
        claim = _claim_and_render(message_id, now, report)
    except Exception as exc:  # a renderer error: the claim rolled back with it; retry later
        _record_failure(message_id, exc, now, report, [])
        return
    if claim is None:
        return
    message, rendered = claim.message, claim.rendered
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        connection=connection,
    )
    if rendered.html:
        email.attach_alternative(rendered.html, "text/html")
    try:
        email.send()  # outside any transaction
    except Exception as exc:  # any failure is recorded and retried
        _record_failure(message_id, exc, now, report, claim.created)
        return
    _record_sent(message_id, rendered)
    report.sent += 1


# Once the mail server has accepted a message, its "sent" must reach the database even if
# the database is away for a moment (a restart, a fail-over): otherwise the claim runs out
# and the message goes out a second time. The worker keeps trying for this long, well
# inside CLAIM_LEASE; only a longer outage (or a worker killed between the mail server's
# "250" and this write) can still send a message twice (docs/deployment.md).
RECORD_SENT_PATIENCE = timedelta(minutes=5)


def _record_sent(message_id: int, rendered: RenderedEmail) -> None:
    deadline = time.monotonic() + RECORD_SENT_PATIENCE.total_seconds()
    pause = 0.5
    while True:
        try:
            OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.SENDING).update(
                status=OutboxMessage.Status.SENT,
                subject=rendered.subject[:255],
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error="",
            )
            return
        except (OperationalError, InterfaceError) as exc:
            # Inside a caller's transaction a new connection cannot help: give up at once.
            if db_connection.in_atomic_block or time.monotonic() + pause > deadline:
                logger.error("outbox message %s was sent but could not be recorded: %s", message_id, type(exc).__name__)
                raise
            logger.warning(
                "outbox message %s was sent; recording it waits for the database (%s)", message_id, type(exc).__name__
            )
            time.sleep(pause)
            pause = min(pause * 2, 10.0)
            # The next attempt connects afresh (closing a broken connection may itself fail;
            # it is dropped all the same).
            with suppress(DatabaseError):
                db_connection.close()


_recording = threading.local()


@contextmanager
def _recording_created_rows() -> Iterator[list[tuple[type[models.Model], Any]]]:
    """Collect the rows this thread creates inside the block."""
    created: list[tuple[type[models.Model], Any]] = []
    _recording.rows = created
    try:
        yield created
    finally:
        _recording.rows = None


@receiver(post_save, dispatch_uid="outbox_record_rendered_rows")
def _record_created_row(sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any) -> None:
    rows = getattr(_recording, "rows", None)
    if created and rows is not None:
        rows.append((sender, instance.pk))


def _record_failure(
    message_id: int,
    exc: Exception,
    now: datetime,
    report: OutboxReport,
    created: list[tuple[type[models.Model], Any]],
) -> None:
    with transaction.atomic():
        for model, pk in reversed(created):
            model._default_manager.filter(pk=pk).delete()
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        message.attempts += 1
        # The class name only in the log: SMTP errors can quote the recipient's address.
        logger.warning("outbox message %s failed (attempt %s): %s", message.pk, message.attempts, type(exc).__name__)
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.FAILED
            report.failed += 1
        else:
            message.status = OutboxMessage.Status.QUEUED
            message.next_attempt_at = now + backoff(message.attempts)
            report.retrying += 1
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    report.errors.append(message.last_error)
