"""Benchmark: meeting materials of the demo country (issue 5).

    .venv/bin/python bench/materials.py                 # SQLite in a temporary folder
    .venv/bin/python bench/materials.py --db postgres   # database klyngepakke_bench_materials

Builds the demo country (`seed_demo`), gives every cluster without a closed round one
closed round of "Trivsel og arbejdsglæde" with synthetic answers (through the same
submission service), then times:

1. one deck: the heaviest round (a follow-up round with the most respondents): the
   materials context (results layer, comparison groups, follow-up) and the deck render,
   median of --runs, each with an empty cache; the other formats likewise;
Before timing, every closed round gets its aggregate and comparison groups stored, as
the scheduler stores them once after a round closes (timed and printed on its own).

2. every cluster's deck (its latest closed round), rendered in --jobs processes through
   the same path as `manage.py build_materials` (klyngepakke/materials/parallel.py),
   with an empty cache; then every format of those rounds.

Goals: one deck < 1 s; all ~115 cluster decks < 60 s on 2 cores. Only connects to
127.0.0.1; leaves nothing behind (the SQLite folder is temporary; the PostgreSQL
database is dropped).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "klyngepakke_bench_materials"


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup(db: str, folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "klyngepakke.settings"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(64)
    # seed_demo (published demo passwords) runs only with DEBUG; nothing is served here.
    os.environ["DEBUG"] = "true"
    os.environ["DATA_DIR"] = str(folder)
    if db == "postgres":
        admin(f"DROP DATABASE IF EXISTS {DB_NAME}")
        admin(f"CREATE DATABASE {DB_NAME}")
        os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # DEBUG keeps every query in memory; the renders must not pay for that.
    settings.DEBUG = False

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    print(f"set-up: demo country in {time.perf_counter() - started:.1f} s")


def top_up(seed: int = 5) -> int:
    """One closed first-package round for every cluster that has none."""
    from datetime import timedelta

    from django.utils import timezone

    from klyngepakke.catalogue.models import Package
    from klyngepakke.cycle import services as cycle_services
    from klyngepakke.demo.demo_answers import _Respondent, synthetic_answers
    from klyngepakke.registry.models import Cluster, Practice
    from klyngepakke.surveys import services
    from klyngepakke.surveys.answers import answer_rows
    from klyngepakke.surveys.selectors import questionnaire_for

    package = Package.objects.get(code="trivsel-og-arbejdsglaede")
    rng = random.Random(seed)
    without = Cluster.objects.exclude(orders__rounds__closed_at__isnull=False).distinct()
    added = 0
    for cluster in without:
        order = cycle_services.new_order(cluster, package, None)
        round_ = services.open_round(order, timezone.now() + timedelta(days=14), None)
        questionnaire = questionnaire_for(round_)
        invitations = list(round_.invitations.select_related("member__practice"))
        for invitation in invitations[: max(1, round(0.8 * len(invitations)))]:
            kind = invitation.member.practice.kind
            who5 = min(100.0, max(0.0, rng.gauss(60 - (5 if kind == Practice.Kind.SOLO else 0), 17)))
            z = (who5 - 62) / 17
            person = _Respondent(kind, who5, z, 0.65 * z + rng.gauss(0, 0.76), rng.gauss(0.25 * z, 0.9))
            rows = answer_rows(questionnaire, synthetic_answers(questionnaire, rng, person))
            services.store_submission(invitation.pk, rows)
        services.close_round(round_, None)
        added += 1
    return added


def store_as_the_scheduler_does() -> tuple[int, float]:
    """Each closed round's aggregate and comparison groups, stored once as the scheduler
    stores them after a close (a read never writes: without them every deck would compute
    the national pools in memory). Returns the rounds given comparisons and the time."""
    from klyngepakke.results.services import store_missing_aggregates, store_missing_comparisons

    started = time.perf_counter()
    while store_missing_aggregates(limit=500):
        pass
    stored = 0
    while done := store_missing_comparisons(limit=500):
        stored += done
    return stored, time.perf_counter() - started


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def one_deck(runs: int) -> dict[str, float]:
    from django.core.cache import cache
    from django.db.models import Count

    from klyngepakke.materials.context import meeting_materials
    from klyngepakke.materials.exporters import exporters
    from klyngepakke.surveys.models import Round

    heaviest = (
        Round.objects.filter(closed_at__isnull=False, order__follows_up__isnull=False)
        .annotate(n=Count("responses"))
        .order_by("-n")
        .first()
    ) or Round.objects.filter(closed_at__isnull=False).annotate(n=Count("responses")).order_by("-n").first()
    assert heaviest is not None
    print(f"one round: {heaviest.pk} ({heaviest.order.package.code}, {heaviest.n} responses)")
    figures: dict[str, list[float]] = {}
    for _ in range(runs):
        cache.clear()
        started = time.perf_counter()
        materials = meeting_materials(heaviest.pk)
        figures.setdefault("context", []).append(time.perf_counter() - started)
        for exporter in exporters():
            figures.setdefault(exporter.code, []).append(timed(lambda e=exporter, m=materials: e.render(m)))
    medians = {code: statistics.median(values) for code, values in figures.items()}
    medians["deck incl. context"] = medians["context"] + medians["deck"]
    return medians


def all_decks(jobs: int, codes: tuple[str, ...] | None) -> tuple[int, float, int]:
    from django.core.cache import cache
    from django.db.models import Max

    from klyngepakke.materials.parallel import render_rounds
    from klyngepakke.surveys.models import Round

    latest = (
        Round.objects.filter(closed_at__isnull=False)
        .values("order__cluster")
        .annotate(last=Max("closed_at"))
        .values_list("order__cluster", "last")
    )
    ids = [
        Round.objects.filter(order__cluster=cluster, closed_at=last).values_list("pk", flat=True).first()
        for cluster, last in latest
    ]
    cache.clear()
    started = time.perf_counter()
    files = sum(len(rendered) for _id, _cluster, _digest, rendered in render_rounds(ids, jobs, codes))
    return len(ids), time.perf_counter() - started, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-materials-"))
    try:
        setup(args.db, folder)
        print(f"top-up: {top_up()} clusters got a closed round")
        stored, storing = store_as_the_scheduler_does()
        print(f"stored as the scheduler does: comparison groups of {stored} rounds in {storing:.1f} s")
        print(f"load average before: {os.getloadavg()}")
        medians = one_deck(args.runs)
        for code, seconds in medians.items():
            print(f"  {code:<22} {1000 * seconds:8.0f} ms (median of {args.runs})")
        decks, seconds, _files = all_decks(args.jobs, ("deck",))
        print(f"all cluster decks: {decks} decks in {seconds:.1f} s with {args.jobs} processes")
        rounds, every, files = all_decks(args.jobs, None)
        print(f"every format: {files} files for {rounds} rounds in {every:.1f} s with {args.jobs} processes")
        print(f"load average after: {os.getloadavg()}")
        goal_one = medians["deck incl. context"] < 1.0
        goal_all = seconds < 60.0
        verdict = {True: "met", False: "MISSED"}
        print(f"goals: one deck < 1 s: {verdict[goal_one]}; all decks < 60 s: {verdict[goal_all]}")
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)
        if args.db == "postgres":
            admin(f"DROP DATABASE IF EXISTS {DB_NAME}")


if __name__ == "__main__":
    main()
