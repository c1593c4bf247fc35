"""manage.py build_materials: build the meeting files of closed rounds into a folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klyngepakke.materials.parallel import render_rounds
from klyngepakke.materials.services import store
from klyngepakke.results.responses import WITHHELD_NOTICE, in_reopen_window, published_rounds
from klyngepakke.surveys.models import Round


class Command(BaseCommand):
    help = "Build the deck, handouts and spreadsheet of one or more closed rounds (or all) into a folder."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--round", type=int, action="append", dest="rounds", metavar="ID", help="a closed round")
        target.add_argument("--all", action="store_true", help="every closed round")
        parser.add_argument("--out", default="materialer", help="folder to write to (default: ./materialer)")
        parser.add_argument(
            "--jobs", type=int, default=os.cpu_count() or 1, help="parallel processes (default: one per core)"
        )
        parser.add_argument("--no-store", action="store_true", help="write files only; do not store them for download")

    def handle(self, *args, **options):
        if options["all"]:
            ids = list(published_rounds().order_by("pk").values_list("pk", flat=True))
        else:
            ids = sorted(set(options["rounds"]))
            known = {r.pk: r for r in Round.objects.filter(pk__in=ids)}
            unknown = [i for i in ids if i not in known]
            if unknown:
                raise CommandError(f"Ukendt runde: {', '.join(map(str, unknown))}.")
            if withheld := [i for i in ids if in_reopen_window(known[i])]:
                raise CommandError(f"Runde {', '.join(map(str, withheld))}: {WITHHELD_NOTICE}")
            still_open = [i for i in ids if known[i].closed_at is None]
            if still_open:
                raise CommandError(
                    f"Runde {', '.join(map(str, still_open))} er ikke lukket; materialer findes kun for lukkede runder."
                )
        if options["jobs"] < 1:
            raise CommandError("--jobs skal være mindst 1.")
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Kan ikke oprette mappen {out}: {error.strerror}.") from error
        started = time.perf_counter()
        written = 0
        for done, (round_id, cluster, digest, rendered) in enumerate(render_rounds(ids, options["jobs"]), start=1):
            folder = out / cluster
            folder.mkdir(exist_ok=True)
            for _code, file in rendered:
                (folder / file.name).write_bytes(file.data)
                written += 1
            if not options["no_store"]:
                store(round_id, digest, rendered)
            self._progress(done, len(ids), f"runde {round_id} ({cluster})")
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{written} filer for {len(ids)} runde(r) skrevet til {out} på {elapsed:.1f} s.")

    def _progress(self, done: int, total: int, label: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        line = f"[{bar}] {done}/{total} {label}"
        # On a terminal the bar redraws in place; in a log it is one line per round.
        if self.stderr.isatty():
            self.stderr.write("\r" + line, ending="\n" if done == total else "")
        else:
            self.stderr.write(line)
        self.stderr.flush()
