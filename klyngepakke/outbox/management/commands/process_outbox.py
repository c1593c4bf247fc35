from django.core.management.base import BaseCommand

from klyngepakke.outbox.services import process_outbox


class Command(BaseCommand):
    help = "Send every queued e-mail that is due now through the configured mail backend."

    def handle(self, *args, **options):
        report = process_outbox()
        self.stdout.write(
            f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}, dropped {report.dropped}"
        )
