import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from klyngepakke.registry.csv_format import error_line
from klyngepakke.registry.services import RegistryImportInvalid, import_registry


class Command(BaseCommand):
    help = (
        "Apply a registry CSV (docs/registry-csv.md): creates or updates clusters, practices and members, "
        "never deletes. A file with errors is rejected whole and every error is printed as FILE:LINE: column: message."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file, or - for stdin")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, then roll back")

    def handle(self, *args, **options):
        name = options["file"]
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                raise CommandError(f"{name}: {exc.strerror}") from exc
        try:
            report = import_registry(data, name, dry_run=options["dry_run"])
        except RegistryImportInvalid as exc:
            for error in exc.errors:
                self.stderr.write(error_line(name, error))
            raise CommandError(f"{len(exc.errors)} error(s) in {name}; nothing was changed.") from exc
        for label, counts in (
            ("clusters", report.clusters),
            ("practices", report.practices),
            ("members", report.members),
        ):
            self.stdout.write(
                f"{label}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
            )
        plan = report.plan
        if plan is not None:
            for entry in plan.old_addresses:
                self.stdout.write(f"{name}:{entry.line}: {entry.key}: {entry.note}")
            for o in plan.overwrites:
                verb = "would overwrite" if report.dry_run else "overwrote"
                when = f"{timezone.localtime(o.at):%Y-%m-%d %H:%M}"
                self.stdout.write(
                    f"{name}:{o.line}: {verb} a local change of {o.email} ({o.label}: "
                    f"{o.local_shown} -> {o.file_shown}; changed by {o.by or '-'} {when})"
                )
        access = report.access
        if access.managed:
            self.stdout.write(
                f"logins: {access.logins_created} created; cluster access: {access.granted} granted, "
                f"{access.role_changed} role changed, {access.revoked} revoked"
            )
        else:
            self.stdout.write("logins: untouched (the file has no klyngerolle column)")
        if report.dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(f"Applied {report.rows} row(s) from {name}.")
