"""Back-off and claims for duties and their items, safe with any number of workers.

A duty that raises waits before it runs again (`retry_delay`), and so does one item of
a duty (one round whose materials fail to build), so a broken item is not retried
first on every pass and never holds up the others. A claim (`claim`) is a conditional
UPDATE or a unique INSERT: of two workers reaching the same item at once, one gets it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .logs import log_event
from .models import Backoff

# How long a claim on an item lasts. The worker renews it every RENEW_EVERY while it
# works on the item, however long that takes; a worker killed with kill -9 (which never
# releases its claim) holds the item for at most LEASE after its last renewal.
LEASE = timedelta(seconds=90)
RENEW_EVERY = timedelta(seconds=30)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=30)


def retry_delay(failures: int) -> timedelta:
    """30 s after the first failure, doubling, at most 30 minutes."""
    return min(FIRST_RETRY * 2 ** max(failures - 1, 0), LONGEST_RETRY)


def waiting_items(duty: str, now: datetime | None = None) -> QuerySet[Backoff]:
    """Items of `duty` that are backing off or claimed now, as `values("item")` for an
    `exclude(pk__in=...)`."""
    now = now or timezone.now()
    return (
        Backoff.objects.filter(duty=duty, item__gt=0)
        .filter(Q(next_attempt_at__gt=now) | Q(leased_until__gt=now))
        .values("item")
    )


def backing_off(duty: str, item: int = 0, now: datetime | None = None) -> Backoff | None:
    """The back-off row if `duty` (or its item) must wait now, else None."""
    now = now or timezone.now()
    return Backoff.objects.filter(duty=duty, item=item, next_attempt_at__gt=now).first()


def claim(duty: str, item: int, now: datetime | None = None, lease: timedelta = LEASE) -> bool:
    """Take `item` of `duty` for this worker, unless it backs off or another has it."""
    now = now or timezone.now()
    free = Q(leased_until__isnull=True) | Q(leased_until__lte=now)
    taken = Backoff.objects.filter(Q(duty=duty, item=item, next_attempt_at__lte=now) & free).update(
        leased_until=now + lease
    )
    if taken:
        return True
    try:
        with transaction.atomic():
            Backoff.objects.create(duty=duty, item=item, next_attempt_at=now, leased_until=now + lease)
    except IntegrityError:
        return False  # the row exists: backing off, or claimed by another worker
    return True


def succeeded(duty: str, item: int = 0) -> None:
    """Forget the failures and release the claim. Read first: a duty that has not failed
    (the usual case) costs no write, which on SQLite would take the database's write lock."""
    rows = Backoff.objects.filter(duty=duty, item=item)
    if rows.exists():
        rows.delete()


def failed(duty: str, item: int, error: BaseException, now: datetime | None = None) -> Backoff:
    """Count a failure and set the next attempt; releases a claim."""
    now = now or timezone.now()
    with transaction.atomic():
        row, _ = Backoff.objects.select_for_update().get_or_create(
            duty=duty, item=item, defaults={"next_attempt_at": now}
        )
        Backoff.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
        row.refresh_from_db(fields=["failures"])
        row.next_attempt_at = now + retry_delay(row.failures)
        row.leased_until = None
        row.last_error = type(error).__name__[:200]
        row.save(update_fields=["next_attempt_at", "leased_until", "last_error"])
    return row


@dataclass
class ItemsReport:
    done: int = 0
    failed: int = 0
    skipped: int = 0


def run_items(duty: str, items: Iterable[int], work: Callable[[int], bool]) -> ItemsReport:
    """Run `work(item)` for each item this worker can claim.

    `work` returns whether it changed anything (False: someone else did it first). An
    item that raises is logged, backs off and leaves the rest to run.
    """
    report = ItemsReport()
    for item in items:
        if not claim(duty, item):
            report.skipped += 1
            continue
        try:
            with _renewing(duty, item):
                changed = work(item)
        except Exception as exc:
            row = failed(duty, item, exc)
            report.failed += 1
            log_event(
                "item_failed",
                level=logging.WARNING,
                duty=duty,
                item=item,
                error=type(exc).__name__,
                failures=row.failures,
                retry_in_seconds=int(retry_delay(row.failures).total_seconds()),
            )
            continue
        succeeded(duty, item)
        report.done += int(bool(changed))
    return report


@contextmanager
def _renewing(duty: str, item: int) -> Iterator[None]:
    """Renew the claim on `item` every RENEW_EVERY until the block ends, from a thread
    with its own database connection (an item that takes seconds never touches it)."""
    finished = threading.Event()

    def renew() -> None:
        try:
            while not finished.wait(RENEW_EVERY.total_seconds()):
                try:
                    Backoff.objects.filter(duty=duty, item=item, leased_until__isnull=False).update(
                        leased_until=timezone.now() + LEASE
                    )
                except DatabaseError:  # the database is away: try again at the next renewal
                    with suppress(DatabaseError):
                        connection.close()
        finally:
            with suppress(DatabaseError):
                connection.close()

    renewer = threading.Thread(target=renew, name=f"renew-{duty}-{item}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        finished.set()
        renewer.join()
