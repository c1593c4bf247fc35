from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from klyngepakke.catalogue.services import CatalogueInvalid, load_catalogue


class Command(BaseCommand):
    help = "Validate and load the package files in DIR (default: the project's packages/). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("dir", nargs="?", default=None, help="folder of package and instrument files")

    def handle(self, *args, **options):
        folder = Path(options["dir"]) if options["dir"] else Path(settings.CATALOGUE_DIR)
        try:
            report = load_catalogue(folder)
        except CatalogueInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s); nothing was loaded.") from exc
        for what, labels in (
            ("created", report.created),
            ("new version", report.new_versions),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
        ):
            for label in labels:
                self.stdout.write(f"{what}: {label}")
