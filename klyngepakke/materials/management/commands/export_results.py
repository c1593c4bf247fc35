"""manage.py export_results: a closed round's published figures without a browser.

JSON is the staff API's body (`/api/resultater/runder/<id>.json`), byte for byte: the
command writes the response the API view builds (`results.api.published_json`).
xlsx is the results spreadsheet of the meeting materials (the `spreadsheet` exporter).
The command lives in materials because materials may import results, not the reverse.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.exporters import exporter
from klyngepakke.results.api import published_json
from klyngepakke.results.responses import WITHHELD_NOTICE, in_reopen_window
from klyngepakke.surveys.models import Round


class Command(BaseCommand):
    help = (
        "Write a closed round's published results: the staff JSON API's body (default) or the results "
        "spreadsheet (--format xlsx), to stdout or --out FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, required=True, dest="round_id", metavar="ID", help="a closed round")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json", help="json (default) or xlsx")
        parser.add_argument("--out", default="-", metavar="FILE", help="file to write; '-' or none: stdout")

    def handle(self, *args, **options):
        round_id, kind, out = options["round_id"], options["format"], options["out"]
        round_ = Round.objects.select_related("order__cluster__region", "package_version").filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"Ukendt runde: {round_id}.")
        if in_reopen_window(round_):
            raise CommandError(f"Runde {round_id}: {WITHHELD_NOTICE}")
        if round_.closed_at is None:
            raise CommandError(
                f"Runde {round_id} er ikke lukket; resultater findes kun for lukkede runder "
                "(results exist only for closed rounds)."
            )
        if kind == "xlsx" and out == "-" and not self._binary_stdout():
            raise CommandError(
                "Et regneark er binært: angiv --out FILE, eller send stdout til en fil eller et program."
            )
        if kind == "json":
            data = published_json(round_).content
        else:
            data = exporter("spreadsheet").render(meeting_materials(round_.pk)).data
        if out == "-":
            self._to_stdout(data)
        else:
            _write(Path(out), data)

    def _binary_stdout(self) -> bool:
        stream = getattr(self.stdout, "_out", sys.stdout)
        return hasattr(stream, "buffer") and not stream.isatty()

    def _to_stdout(self, data: bytes) -> None:
        stream = getattr(self.stdout, "_out", sys.stdout)
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:  # a text stream (e.g. call_command(stdout=StringIO())): JSON only, see handle
            stream.write(data.decode("utf-8"))


def _write(path: Path, data: bytes) -> None:
    """Write the whole file or nothing: a temporary file in the same folder, then rename."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
    except OSError as error:
        raise CommandError(f"Kan ikke skrive {path}: {error.strerror}.") from error
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(handle, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"Kan ikke skrive {path}: {error.strerror}.") from error
