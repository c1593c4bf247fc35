import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klyngepakke.registry.services import export_registry


class Command(BaseCommand):
    help = "Write the whole registry as CSV in the import format (docs/registry-csv.md) to FILE, or - for stdout."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file to write, or - for stdout")

    def handle(self, *args, **options):
        name = options["file"]
        if name == "-":
            # No BOM on a pipe: the next program wants plain UTF-8 text.
            buffer = io.StringIO()
            export_registry(buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        buffer = io.StringIO()
        # A BOM in files tells Excel the file is UTF-8; import accepts it.
        count = export_registry(buffer, bom=True)
        try:
            Path(name).write_text(buffer.getvalue(), encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"{name}: {exc.strerror}") from exc
        self.stdout.write(f"Wrote {count} row(s) to {name}.")
