"""Benchmark: how much of each cluster's own data the disclosure control shows (issue 9).

    .venv/bin/python bench/disclosure_coverage.py                        # demo country, SQLite in a temp folder
    .venv/bin/python bench/disclosure_coverage.py --database-url URL     # an existing, already filled database

Without --database-url it builds the deterministic demo country (`seed_demo`, --seed) in
its own SQLite database in a temporary folder and removes it afterwards. With
--database-url it only reads the given database (migrated, with closed rounds).

For every closed round whose whole-cluster group is published (at least k answers), it
reads the round's publication through the results layer
(`klyngepakke.results.selectors.round_results(round).publication`) and counts, per
package, over the whole-cluster group only (no subgroups):

- item tables shown in full: choice and multiple-choice tables that are not withheld
  and in which every count (answered, no answer, each option) is a number;
- item means shown: single-choice items on a scale with values whose mean is published
  (the denominator counts every such item of the questionnaire, withheld tables too);
- score band tables shown (not withheld, every band count a number) and score means
  shown;
- answer cells hidden: option cells of the item tables whose count is not a number,
  the cells of withheld tables included.

Then it lists every withheld table (item or score, or a score's band table) of those
rounds with its reason. A cell counts as hidden when its count is not an `int`, so the
script reads the publication both with and without `MaskedCount`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url: str | None, folder: Path, seed: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "klyngepakke.settings"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    # seed_demo (published demo passwords) runs only with DEBUG; nothing is served here.
    os.environ["DEBUG"] = "true"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATA_DIR"] = str(folder)
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'coverage.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # DEBUG keeps every query in memory
    if database_url:
        return
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    settings.DEBUG = True
    call_command("seed_demo", seed=seed, verbosity=0)
    settings.DEBUG = False
    print(f"set-up: demo country (seed {seed}) in {time.perf_counter() - started:.1f} s")


def _is_count(value: object) -> bool:
    # bool is an int too, but never a count.
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class Tally:
    rounds: int = 0
    rounds_too_small: int = 0
    tables: int = 0
    tables_full: int = 0
    means: int = 0
    means_shown: int = 0
    band_tables: int = 0
    band_tables_full: int = 0
    score_means: int = 0
    score_means_shown: int = 0
    means_of_published: int = 0
    cells: int = 0
    cells_hidden: int = 0
    cells_of_published: int = 0
    cells_hidden_of_published: int = 0
    withheld: list[str] = field(default_factory=list)
    mean_reasons: Counter[str] = field(default_factory=Counter)


_ABSENT = object()


def _full(table: Any, fields: tuple[str, ...]) -> bool:
    """Every count of a published table is a number (a total the core no longer has is skipped)."""
    totals = [getattr(table, name, _ABSENT) for name in fields]
    return all(_is_count(t) for t in totals if t is not _ABSENT) and all(
        _is_count(option.count) for option in table.options
    )


def _published_cells(table: Any, tally: Tally) -> None:
    hidden = sum(not _is_count(option.count) for option in table.options)
    tally.cells_hidden += hidden
    tally.cells_hidden_of_published += hidden
    tally.cells_of_published += len(table.options)


def tally_round(results: Any, tally: Tally) -> None:
    from klyngepakke.core.disclosure import Withheld

    round_ = results.round
    where = f"round {round_.pk} ({round_.order.cluster.code})"
    group = results.publication.group
    questions = {
        code: question
        for section in results.questionnaire.sections
        for question in section.questions
        for code in (question.answer_codes if question.type in {"single", "matrix"} else (question.code,))
    }
    tally.rounds += 1
    for code, table in group.choices.items():
        question = questions[code]
        ordinal = any(option.value is not None for option in question.options)
        tally.tables += 1
        tally.cells += len(question.options)
        if ordinal:
            tally.means += 1
        if isinstance(table, Withheld):
            tally.cells_hidden += len(question.options)
            tally.withheld.append(f"{where} item {code}: {table.reason}")
            if ordinal:
                tally.mean_reasons[table.reason] += 1
            continue
        tally.tables_full += _full(table, ("answered", "no_answer", "on_scale"))
        _published_cells(table, tally)
        if ordinal:
            tally.means_of_published += 1
            if isinstance(table.estimate, Withheld):
                tally.mean_reasons[table.estimate.reason] += 1
            elif table.estimate is not None:
                tally.means_shown += 1
            else:
                tally.mean_reasons["no answers on the scale"] += 1
    for code, table in group.multiples.items():
        question = questions[code]
        tally.tables += 1
        tally.cells += len(question.options)
        if isinstance(table, Withheld):
            tally.cells_hidden += len(question.options)
            tally.withheld.append(f"{where} item {code}: {table.reason}")
            continue
        tally.tables_full += _full(table, ("answered", "no_answer"))
        _published_cells(table, tally)
    for code, score in group.scores.items():
        tally.score_means += 1
        banded = next(s for s in results.scores if s.code == code).bands != ()
        tally.band_tables += banded
        if isinstance(score, Withheld):
            tally.withheld.append(f"{where} score {code}: {score.reason}")
            continue
        tally.score_means_shown += not isinstance(score.estimate, Withheld)
        if not banded:
            continue
        if isinstance(score.bands, Withheld):
            tally.withheld.append(f"{where} score {code} bands: {score.bands.reason}")
        else:
            tally.band_tables_full += all(_is_count(band.count) for band in score.bands)


def share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / whole:.0f} %)" if whole else "0 of 0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="read this database instead of building the demo country")
    parser.add_argument("--seed", type=int, default=2026, help="seed_demo's seed (default 2026)")
    parser.add_argument("--no-list", action="store_true", help="print the summary only, not every withheld table")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-coverage-"))
    try:
        setup(args.database_url, folder, args.seed)
        from klyngepakke.core.disclosure import Withheld
        from klyngepakke.results.selectors import round_results
        from klyngepakke.surveys.models import Round

        started = time.perf_counter()
        tallies: dict[str, Tally] = defaultdict(Tally)
        rounds = (
            Round.objects.filter(closed_at__isnull=False)
            .select_related("order__cluster__region", "order__package", "package_version")
            .order_by("pk")
        )
        for round_ in rounds:
            results = round_results(round_)
            tally = tallies[round_.order.package.code]
            if isinstance(results.publication.group, Withheld):
                tally.rounds_too_small += 1
                continue
            tally_round(results, tally)
        for code in sorted(tallies):
            t = tallies[code]
            print(f"\n{code}: {t.rounds} closed rounds of at least k ({t.rounds_too_small} smaller ones left out)")
            print(f"  item tables shown in full   {share(t.tables_full, t.tables)}")
            print(
                f"  item means shown            {share(t.means_shown, t.means)}; "
                f"of published tables {share(t.means_shown, t.means_of_published)}"
            )
            print(f"  score band tables in full   {share(t.band_tables_full, t.band_tables)}")
            print(f"  score means shown           {share(t.score_means_shown, t.score_means)}")
            print(
                f"  answer cells hidden         {share(t.cells_hidden, t.cells)}; "
                f"of published tables {share(t.cells_hidden_of_published, t.cells_of_published)}"
            )
            reasons = ", ".join(f"{reason} {n}" for reason, n in t.mean_reasons.most_common())
            print(f"  item means not shown, why   {reasons or '-'}")
        print(
            f"\nread {sum(t.rounds + t.rounds_too_small for t in tallies.values())} closed rounds' results in "
            f"{time.perf_counter() - started:.1f} s"
        )
        if not args.no_list:
            for code in sorted(tallies):
                print(f"\nwithheld tables, {code}: {len(tallies[code].withheld)}")
                for line in tallies[code].withheld:
                    print(f"  {line}")
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
