from django.core.management.base import BaseCommand

from klyngepakke.surveys.reminders import queue_due_reminders


class Command(BaseCommand):
    help = "Queue the scheduled reminders that are due (only to those who have not answered)."

    def handle(self, *args, **options):
        batches = queue_due_reminders()
        self.stdout.write(f"Queued {batches} reminder batch(es).")
