"""The time-based duties, in one list: the scheduler enqueues each of them as a task
every few seconds, `manage.py run_worker --once` runs them all once, in order.

Every duty is idempotent and safe when two workers run it at the same moment (it
claims its rows with a conditional UPDATE, a row lock or a unique INSERT), so a
duplicate enqueue costs a little work and nothing else. A duty that raises is logged,
backs off (`backoff.retry_delay`) and never stops the others.

To add a duty: write it as a service returning a count (or a report dataclass of
counts), make it safe to run twice at once, and add one line to DUTIES.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from klyngepakke.accounts.services import purge_expired_sessions
from klyngepakke.cycle.services import mark_follow_ups_due, request_plan_statuses
from klyngepakke.materials.services import build_missing_materials
from klyngepakke.notifications.services import (
    notify_follow_ups_due,
    notify_materials_ready,
    notify_meetings_tomorrow,
    notify_response_rates,
)
from klyngepakke.outbox.services import process_outbox
from klyngepakke.results.services import store_missing_aggregates, store_missing_comparisons
from klyngepakke.support import backoff
from klyngepakke.support.logs import log_event
from klyngepakke.surveys.reminders import queue_due_reminders
from klyngepakke.surveys.scheduled import open_due_rounds
from klyngepakke.surveys.services import (
    close_due_rounds,
    compact_mixed_tables,
    mix_responses,
    take_response_count_snapshots,
)

from .services import prune_task_results


@dataclass(frozen=True)
class Duty:
    name: str
    run: Callable[[], object]


DUTIES: tuple[Duty, ...] = (
    # First: the mixing window (docs/anonymity.md, "Inside the database") is one pass.
    Duty("mix_responses", mix_responses),
    # PostgreSQL: rewrite the mixed tables' files a few minutes after a pass (their pages
    # still hold the bytes of the replaced rows).
    Duty("compact_mixed_tables", compact_mixed_tables),
    Duty("close_due_rounds", close_due_rounds),
    # Scheduled rounds open on their day (after the closing, before the reminders).
    Duty("open_due_rounds", open_due_rounds),
    Duty("take_response_count_snapshots", take_response_count_snapshots),
    Duty("mark_follow_ups_due", lambda: mark_follow_ups_due(timezone.localdate())),
    Duty("notify_follow_ups_due", notify_follow_ups_due),
    Duty("request_plan_statuses", request_plan_statuses),
    Duty("queue_due_reminders", queue_due_reminders),
    Duty("notify_response_rates", notify_response_rates),
    Duty("notify_meetings_tomorrow", notify_meetings_tomorrow),
    Duty("process_outbox", process_outbox),
    Duty("store_missing_aggregates", store_missing_aggregates),
    Duty("store_missing_comparisons", store_missing_comparisons),
    Duty("build_missing_materials", build_missing_materials),
    # After the build: the e-mail goes out with the next pass's process_outbox.
    Duty("notify_materials_ready", notify_materials_ready),
    Duty("prune_task_results", prune_task_results),
    Duty("purge_expired_sessions", purge_expired_sessions),
)


def duty(name: str) -> Duty:
    for found in DUTIES:
        if found.name == name:
            return found
    raise KeyError(name)


@dataclass(frozen=True)
class Outcome:
    name: str
    ran: bool
    ok: bool
    summary: dict[str, int]
    error: str = ""


def summary(result: object) -> dict[str, int]:
    """The counts of a duty's result, for the log: an int, or a dataclass's int fields
    (never its lists, which may carry error texts)."""
    if isinstance(result, bool) or result is None:
        return {}
    if isinstance(result, int):
        return {"count": result}
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {
            f.name: value
            for f in dataclasses.fields(result)
            if isinstance(value := getattr(result, f.name), int) and not isinstance(value, bool)
        }
    return {}


def run_duty(name: str, *, respect_backoff: bool = True) -> Outcome:
    """Run one duty now; a failure is logged and counted, never raised."""
    found = duty(name)
    if respect_backoff and (waiting := backoff.backing_off(name)) is not None:
        log_event("duty_skipped", level=logging.DEBUG, duty=name, reason="backoff", failures=waiting.failures)
        return Outcome(name, ran=False, ok=True, summary={})
    started = time.monotonic()
    try:
        result = found.run()
    except Exception as exc:
        failures = _record_failure(name, exc)
        log_event(
            "duty_failed",
            level=logging.ERROR,
            duty=name,
            error=type(exc).__name__,
            failures=failures if failures is not None else "unknown",
            retry_in_seconds=int(backoff.retry_delay(failures or 1).total_seconds()),
            seconds=time.monotonic() - started,
        )
        return Outcome(name, ran=True, ok=False, summary={}, error=type(exc).__name__)
    backoff.succeeded(name)
    counts = summary(result)
    log_event(
        "duty_done",
        level=logging.INFO if any(counts.values()) else logging.DEBUG,
        duty=name,
        seconds=time.monotonic() - started,
        **counts,
    )
    return Outcome(name, ran=True, ok=True, summary=counts)


def _record_failure(name: str, error: Exception) -> int | None:
    """Count the failure for the back-off; None if the database itself is unreachable
    (the next pass tries again anyway)."""
    if not connection.in_atomic_block:
        close_old_connections()  # a connection broken by the failure is replaced
    try:
        return backoff.failed(name, 0, error).failures
    except DatabaseError:
        return None


def run_all(*, respect_backoff: bool = False) -> list[Outcome]:
    """Every duty once, in order (rounds close before their aggregates and materials)."""
    return [run_duty(d.name, respect_backoff=respect_backoff) for d in DUTIES]
