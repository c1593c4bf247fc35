"""Benchmark of the results layer on PostgreSQL: national aggregation and the results page.

    DEBUG=true .venv/bin/python bench/results_aggregation.py [--sizes 10000,100000[,1000000]]
        [--per-round 40] [--keep]

Creates the database `klyngepakke_bench_results` on postgres://postgres@127.0.0.1:5432
(dropped at the end unless --keep), migrates it, loads the catalogue and registers a
benchmark package: Trivsel og arbejdsglæde (WHO-5 with its score, job satisfaction ...)
with the sections of Samarbejde og fællesskab appended, about 40 answer codes in all.

Fixture (not the product path): closed rounds of --per-round responses each, spread over
the clusters of all five regions, with responses and one answer row per answer code
(plus extra rows for multiple choice) generated inside PostgreSQL with INSERT ... SELECT
from generate_series and random() - the fastest way to get millions of rows in.

Timed at each size (the data grows from one size to the next; best of 3 runs, warm):
- national: `selectors._comparison` for the whole country over every closed round of the
  package (eligible rounds, option counts per code, WHO-5 score sums, respondents).
- page: the cluster results page's server work for one round of 42 invited:
  `round_results` (its own respondents, statistics, disclosure, region + country
  comparisons) and `results_as_dict`.
Prints the EXPLAIN ANALYZE of the two aggregation queries at the largest size.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "klyngepakke_bench_results"
SERVER = "postgres://postgres@127.0.0.1:5432"


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klyngepakke.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_package():
    """Trivsel og arbejdsglæde plus the sections of Samarbejde og fællesskab (~40 codes)."""
    from klyngepakke.catalogue.models import Package
    from tests import factories

    first = Package.objects.get(code="trivsel-og-arbejdsglaede").current_version.document
    other = Package.objects.get(code="samarbejde-og-faellesskab").current_version.document
    document = copy.deepcopy(first)
    document["code"] = "bench-resultater"
    document["questionnaire"]["sections"] += copy.deepcopy(other["questionnaire"]["sections"])
    known = {scale["code"] for scale in document["questionnaire"].get("scales", [])}
    document["questionnaire"].setdefault("scales", []).extend(
        copy.deepcopy(s) for s in other["questionnaire"].get("scales", []) if s["code"] not in known
    )
    return factories.package(code="bench-resultater", title="Bench", document=document)


def code_table(document: dict) -> list[tuple[str, list[str], list[float | None], bool]]:
    from klyngepakke.core.questionnaire import Questionnaire

    rows = []
    for question in Questionnaire(document).questions.values():
        if question.type not in {"single", "matrix", "multiple"}:
            continue
        options = [o.code for o in question.options]
        values = [o.value for o in question.options]
        for code in question.answer_codes:
            rows.append((code, options, values, question.type == "multiple"))
    return rows


def create_rounds(package, count: int, start: int) -> list[int]:
    from django.utils import timezone

    from klyngepakke.registry.models import Cluster
    from klyngepakke.surveys.models import Order, Round

    clusters = list(Cluster.objects.all())
    now = timezone.now()
    orders = Order.objects.bulk_create(
        [
            Order(cluster=clusters[(start + i) % len(clusters)], package=package, state="survey_closed")
            for i in range(count)
        ]
    )
    rounds = Round.objects.bulk_create(
        [
            Round(order=o, package_version=package.current_version, opened_at=now, closes_at=now, closed_at=now)
            for o in orders
        ]
    )
    return [r.pk for r in rounds]


def fill(round_ids: list[int], per_round: int, codes) -> None:
    """Responses and answers for the given rounds, generated in SQL."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_codes")
        cur.execute("CREATE TEMP TABLE bench_codes (code text, options text[], vals float8[], multi bool)")
        cur.executemany(
            "INSERT INTO bench_codes VALUES (%s, %s, %s, %s)",
            [(c, o, [v if v is not None else None for v in vs], m) for c, o, vs, m in codes],
        )
        cur.execute("DROP TABLE IF EXISTS bench_new; CREATE TEMP TABLE bench_new (id uuid, round_id bigint)")
        cur.execute(
            "INSERT INTO bench_new SELECT gen_random_uuid(), r FROM unnest(%s::bigint[]) r, generate_series(1, %s)",
            [round_ids, per_round],
        )
        cur.execute("INSERT INTO surveys_response (id, round_id) SELECT id, round_id FROM bench_new")
        # One option per single-choice code and matrix item (WHO-5 items skewed towards
        # the middle via the smaller of two draws); multiple choice: each option ticked
        # with probability 0.35.
        cur.execute(
            """
            INSERT INTO surveys_answer (id, response_id, code, option, value, text)
            SELECT gen_random_uuid(), n.id, c.code, c.options[i], c.vals[i], ''
            FROM bench_new n CROSS JOIN bench_codes c
            CROSS JOIN LATERAL (
                SELECT 1 + least(floor(random() * array_length(c.options, 1)),
                                 floor(random() * array_length(c.options, 1)))::int AS i
                WHERE NOT c.multi AND n.id IS NOT NULL
                UNION ALL
                SELECT g FROM generate_series(1, array_length(c.options, 1)) g
                WHERE c.multi AND random() < 0.35 AND n.id IS NOT NULL
            ) pick
            """
        )
        cur.execute("ANALYZE surveys_response; ANALYZE surveys_answer; ANALYZE surveys_round")


def target_round(package, members: int = 42):
    """A cluster's round of `members` invited with 38 answers, in the middle of the data."""
    from django.utils import timezone

    from klyngepakke.registry.models import Cluster
    from klyngepakke.surveys.models import Invitation, Order, Round
    from tests import factories

    cluster = factories.survey_cluster(members=members, solo=12, region_code="syddanmark")
    order = Order.objects.create(cluster=cluster, package=package, state="survey_closed")
    now = timezone.now()
    round_ = Round.objects.create(
        order=order, package_version=package.current_version, opened_at=now, closes_at=now, closed_at=now
    )
    members_ = list(Cluster.objects.get(pk=cluster.pk).practices.all().values_list("members__id", flat=True))
    Invitation.objects.bulk_create([Invitation(round=round_, member_id=m, answered=True) for m in members_])
    return round_


def best_of(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def explain(sql_and_params) -> str:
    from django.db import connection

    sql, params = sql_and_params
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql, params)
        return "\n".join(row[0] if len(row[0]) < 160 else row[0][:157] + "..." for row in cur.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--per-round", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    admin(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin(f"CREATE DATABASE {DB_NAME}")
    try:
        setup_django()
        run(sizes, args.per_round)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def run(sizes: list[int], per_round: int) -> None:
    from django.core.cache import cache
    from django.core.management import call_command

    from klyngepakke.core.scoring import score_definitions
    from klyngepakke.results import selectors
    from klyngepakke.results.serialize import results_as_dict
    from klyngepakke.results.services import store_missing_aggregates
    from klyngepakke.surveys.models import Answer
    from tests import factories

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    factories.shipped_catalogue()
    for region in ("hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"):
        for _ in range(23):  # 115 clusters, as in seed 000
            factories.cluster(region_code=region)
    package = bench_package()
    document = package.current_version.document
    codes = code_table(document)
    definitions = score_definitions(document)
    policy = selectors.policy_for(document)
    own = target_round(package)
    fill([own.pk], 38, codes)

    print(f"package: {len(codes)} answer codes; {per_round} responses per round; PostgreSQL")
    print(
        f"{'responses':>10} {'answer rows':>12} {'load s':>7} {'store aggregates s':>19} "
        f"{'national s':>11} {'page ms':>8}"
    )
    done = 0
    results = []
    for size in sizes:
        start = time.perf_counter()
        for chunk in range(done, size, 20_000):
            count = min(20_000, size - chunk) // per_round
            fill(create_rounds(package, count, chunk // per_round), per_round, codes)
        load = time.perf_counter() - start
        done = size
        # The scheduler stores each closed round's aggregate once (timed here as "store");
        # the national pool then adds up the stored aggregates, cached until a round closes.
        first_start = time.perf_counter()
        store_missing_aggregates(limit=10**9)
        first = time.perf_counter() - first_start
        cache.clear()
        national_start = time.perf_counter()
        selectors._pool(package.pk, None, policy.k, definitions)
        national = time.perf_counter() - national_start
        page = best_of(lambda: results_as_dict(selectors.round_results(own)))
        rows = Answer.objects.count()
        results.append((size, rows, load, national, page))
        print(
            f"{size:>10,} {rows:>12,} {load:>7.1f} {first:>19.3f} {national:>11.3f} {page * 1000:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
