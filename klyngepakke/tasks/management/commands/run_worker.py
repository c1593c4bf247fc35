"""The scheduler: every few seconds it beats and enqueues each duty as a task for the
workers (`manage.py db_worker`). `--once` runs every duty once, here and now, instead."""

from __future__ import annotations

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from klyngepakke.support.logs import log_event
from klyngepakke.tasks import duties
from klyngepakke.tasks.scheduler import schedule_pass


class Command(BaseCommand):
    help = (
        "The scheduler: enqueue the duties (close due rounds, follow-ups due, reminders, e-mail, "
        "result aggregates, comparison groups, meeting materials) every few seconds for `db_worker`. "
        "With --once: run every duty once, synchronously, and exit (non-zero if one failed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.SCHEDULER_INTERVAL_SECONDS,
            help="seconds between passes (default: SCHEDULER_INTERVAL_SECONDS)",
        )
        parser.add_argument("--once", action="store_true", help="run every duty once, here and now, and exit")

    def handle(self, *args, **options):
        if options["once"]:
            self._once()
            return
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log_event("scheduler_started", interval_seconds=options["interval"])
        while not stopping:
            close_old_connections()
            try:
                enqueued = schedule_pass()
            except DatabaseError as exc:  # the database is down or restarting: try again next pass
                close_old_connections()
                log_event("scheduler_pass_failed", level=logging.WARNING, error=type(exc).__name__)
            else:
                log_event("scheduler_pass", level=logging.DEBUG, enqueued=enqueued)
            time.sleep(options["interval"])
        log_event("scheduler_stopped")

    def _once(self) -> None:
        outcomes = duties.run_all()
        for outcome in outcomes:
            counts = " ".join(f"{k}={v}" for k, v in outcome.summary.items())
            state = "ok" if outcome.ok else f"FEJL ({outcome.error})"
            self.stdout.write(f"{outcome.name}: {state}{' ' + counts if counts else ''}")
        failed = [o.name for o in outcomes if not o.ok]
        if failed:
            raise CommandError(f"{len(failed)} opgave(r) fejlede: {', '.join(failed)}")
