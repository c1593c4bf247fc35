import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from klyngepakke.materials.services import build_missing_materials
from klyngepakke.outbox.services import process_outbox
from klyngepakke.results.services import store_missing_aggregates, store_missing_comparisons
from klyngepakke.surveys.reminders import queue_due_reminders
from klyngepakke.surveys.services import (
    close_due_rounds,
    mark_follow_ups_due,
    mix_responses,
    take_response_count_snapshots,
)


class Command(BaseCommand):
    help = (
        "The scheduler: mix new responses, close due rounds, queue due reminders, send e-mail and build "
        "meeting materials, every few seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between passes")
        parser.add_argument("--once", action="store_true", help="run one pass and exit")

    def handle(self, *args, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            close_old_connections()
            mix_responses()
            closed = close_due_rounds()
            take_response_count_snapshots()
            moved = mark_follow_ups_due(timezone.localdate())
            batches = queue_due_reminders()
            report = process_outbox()
            store_missing_aggregates()
            store_missing_comparisons()
            built = build_missing_materials()
            if closed or moved or batches or built or report.sent or report.retrying or report.failed:
                self.stdout.write(
                    f"worker: closed {closed} round(s), {moved} follow-up(s) due, {batches} reminder batch(es), "
                    f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}, "
                    f"built materials for {built} round(s)"
                )
            if options["once"]:
                break
            time.sleep(options["interval"])
