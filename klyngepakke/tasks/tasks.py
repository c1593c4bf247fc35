"""The background tasks (django-tasks, database backend; run by `manage.py db_worker`).

Tasks take names and ids, never model instances.
"""

from __future__ import annotations

from django_tasks import task

from . import duties
from .services import beat


class DutyFailed(Exception):
    """A duty raised; the message names the duty and the exception class only."""


@task()
def run_duty(name: str) -> dict[str, int]:
    try:
        outcome = duties.run_duty(name)
    except KeyError:
        raise DutyFailed(f"unknown duty {name!r}") from None
    if not outcome.ok:
        # Raised outside the handler that caught the original, so the stored traceback
        # holds neither its message nor its frames' values.
        raise DutyFailed(f"{name}: {outcome.error}")
    return outcome.summary


@task()
def worker_heartbeat() -> None:
    """Enqueued by the scheduler on every pass: a worker running it proves the queue is
    being worked."""
    beat("worker")
