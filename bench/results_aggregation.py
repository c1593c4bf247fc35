"""Benchmark of the results layer on PostgreSQL: national aggregation and the results page.

    DEBUG=true .venv/bin/python bench/results_aggregation.py [--sizes 10000,100000,1000000]
        [--round-size 30-40] [--seed 4] [--keep] [--db-name klyngepakke_bench_results...]

Creates the database `klyngepakke_bench_results` on postgres://postgres@127.0.0.1:5432
(dropped at the end unless --keep), migrates it, loads the catalogue and registers a
benchmark package: Trivsel og arbejdsglæde (WHO-5 with its score, job satisfaction ...)
with the sections of Samarbejde og fællesskab appended, 40 answer codes in all.

Fixture (not the product path; `bench/_results_fixture.py`): closed rounds of 30-40
responses each (uniform), spread in turn over 115 clusters in the five regions and
closed at random moments inside the target round's comparison period, with answers
drawn per round around a per-cluster effect, written with binary COPY while the answer
and response tables' indexes and keys are dropped, then rebuilt; then ANALYZE. The
target round (38 answers, 42 invited) belongs to a cluster of its own. The data grows
from one size to the next.

Timed at each size:
- store: the scheduler's `store_missing_aggregates` (in its batches of 200) for the
  first 1,000 rounds added at this size (all of them at 10k) - each closed round's
  aggregate is computed once, ever. The remaining rounds' aggregates are stored untimed.
- national / region: `selectors._pool` with an empty cache, for the whole country and
  for one region (Syddanmark): the summed stored aggregates of every closed round in the
  comparison period.
- page, first view: `round_results` + `results_as_dict` for one round of 38 answers /
  42 invited right after the cache was emptied (as after any round closes: both pools).
- page: the same, warm (best of 3).
- full page: GET of the results page by the cluster's coordinator through Django's test
  client (all of the view: results, follow-up lookup, materials list, template), warm,
  best of 3.
- store plan: how PostgreSQL plans the per-round aggregate's query (`responses._aggregate`):
  "index" (round_id index, then answers by response) or "seq scan" (a scan of every
  response row, which grows with the national data).
- direct SQL (reference, not used by the app): counts per code and option over every
  answer of the package in one GROUP BY.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._results_fixture import Code, Round, load, round_sizes  # noqa: E402

DB_NAME = "klyngepakke_bench_results"
SERVER = "postgres://postgres@127.0.0.1:5432"


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django(db_name: str) -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{db_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klyngepakke.settings")
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


def code_table(document: dict) -> list[Code]:
    from klyngepakke.core.questionnaire import Questionnaire

    rows = []
    for question in Questionnaire(document).questions.values():
        if question.type not in {"single", "matrix", "multiple"}:
            continue
        options = tuple(o.code for o in question.options)
        values = tuple(o.value for o in question.options)
        for code in question.answer_codes:
            rows.append(Code(code, options, values, question.type == "multiple"))
    return rows


def create_rounds(package, sizes: list[int], start: int, effects: dict[int, float], window, rng) -> list[Round]:
    """Closed rounds (order + round) of the given sizes, cycling through the clusters in
    `effects`, closed at random moments inside the comparison period `window`."""
    from datetime import timedelta

    from klyngepakke.cycle.models import Order
    from klyngepakke.registry.models import Cluster
    from klyngepakke.surveys.models import Round as RoundModel

    clusters = list(Cluster.objects.filter(pk__in=effects).order_by("pk"))
    span = (window[1] - window[0]).total_seconds()
    closed = [window[0] + timedelta(seconds=float(x)) for x in rng.uniform(3600, span - 3600, len(sizes))]
    orders = Order.objects.bulk_create(
        [
            Order(cluster=clusters[(start + i) % len(clusters)], package=package, state="survey_closed")
            for i in range(len(sizes))
        ],
        batch_size=5000,
    )
    rounds = RoundModel.objects.bulk_create(
        [
            RoundModel(
                order=o,
                package_version=package.current_version,
                opened_at=at - timedelta(days=14),
                closes_at=at,
                closed_at=at,
            )
            for o, at in zip(orders, closed, strict=True)
        ],
        batch_size=5000,
    )
    noise = rng.normal(0.0, 0.15, len(rounds))
    return [
        Round(r.pk, size, effects[o.cluster_id] + float(e))
        for r, o, size, e in zip(rounds, orders, sizes, noise, strict=True)
    ]


def target_round(package, members: int = 42):
    """A cluster's round of `members` invited with 38 answers (closed now: every other
    round closes inside its comparison period)."""
    from django.utils import timezone

    from klyngepakke.cycle.models import Order
    from klyngepakke.registry.models import Cluster
    from klyngepakke.surveys.models import Invitation, Round
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--round-size", default="30-40", help="responses per round, uniform (low-high)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--db-name", default=DB_NAME, help=f"must start with {DB_NAME} (default: {DB_NAME})")
    args = parser.parse_args()
    db_name = args.db_name
    if not re.fullmatch(rf"{DB_NAME}\w*", db_name):
        parser.error(f"--db-name must start with {DB_NAME}: it is created and dropped")
    sizes = [int(s) for s in args.sizes.split(",")]
    low, high = (int(n) for n in args.round_size.split("-"))

    admin(f"DROP DATABASE IF EXISTS {db_name}")
    admin(f"CREATE DATABASE {db_name}")
    try:
        setup_django(db_name)
        run(f"{SERVER}/{db_name}", sizes, low, high, args.seed)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")


STORE_SAMPLE = 1000  # rounds whose aggregate storing is timed at each size

DIRECT_SQL = """
    SELECT a.code, a.option, count(*)
    FROM surveys_answer a
    JOIN surveys_response r ON r.id = a.response_id
    JOIN surveys_round ro ON ro.id = r.round_id
    JOIN surveys_order o ON o.id = ro.order_id
    WHERE o.package_id = %s AND ro.closed_at IS NOT NULL AND a.option <> ''
    GROUP BY a.code, a.option
"""


def round_plan(round_) -> str:
    """Whether the per-round aggregate's query (`responses._aggregate`: counts per code and
    option of one round's responses, by their ids) uses the answer index or scans."""
    from django.db import connection
    from django.db.models import Count

    from klyngepakke.results.responses import _response_ids
    from klyngepakke.surveys.response_models import Answer

    ids = _response_ids(round_)
    query = Answer.objects.filter(response_id__in=ids).exclude(option="").values_list("code", "option")
    sql, params = query.annotate(n=Count("id")).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    return "seq scan" if "Seq Scan on surveys_answer" in plan or "Seq Scan on surveys_response" in plan else "index"


def full_page(own) -> float:
    """Best of 3 warm GETs of the results page by the cluster's coordinator."""
    from django.test import Client
    from django.urls import reverse

    from tests import factories

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(factories.coordinator(own.order.cluster))
    url = reverse("results:round", args=[own.order.cluster.code, own.pk])

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"results page: HTTP {response.status_code}")

    get()
    return best_of(get)


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def run(url: str, sizes: list[int], low: int, high: int, seed: int) -> None:
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from klyngepakke.core.questionnaire import Questionnaire
    from klyngepakke.core.scoring import score_definitions
    from klyngepakke.registry.models import Cluster
    from klyngepakke.results import responses, selectors
    from klyngepakke.results.models import RoundAggregate
    from klyngepakke.results.serialize import results_as_dict
    from klyngepakke.results.services import store_comparisons, store_missing_aggregates
    from klyngepakke.surveys.models import Round as RoundModel
    from tests import factories

    rng = np.random.default_rng(seed)
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
    load(url, codes, [Round(own.pk, 38, 0.0)], seed)
    own = RoundModel.objects.select_related("order__cluster__region", "order__package", "package_version").get(
        pk=own.pk
    )
    window = (selectors._months_before(own.closed_at, selectors.comparison_months(own)), own.closed_at)
    # What `selectors._comparisons` pools by: the item codes and scores of the package.
    questionnaire = Questionnaire(document)
    item_codes = frozenset(
        code for q in questionnaire.questions.values() if q.type in {"single", "matrix"} for code in q.answer_codes
    )
    score_codes = frozenset(d.code for d in definitions)
    # Each cluster's effect on its answers. The target round's cluster gets no other
    # rounds: a real cluster has one or two rounds of a package in a comparison period,
    # and the page subtracts each of them from the pools.
    clusters = Cluster.objects.exclude(pk=own.order.cluster_id).order_by("pk").values_list("pk", flat=True)
    effects = {pk: float(rng.normal(0.0, 0.5)) for pk in clusters}
    region_id = own.order.cluster.region_id

    print(f"package: {len(codes)} answer codes; rounds of {low}-{high} responses; PostgreSQL", flush=True)
    columns = (
        f"{'responses':>10} {'rounds':>7} {'answer rows':>12} {'load s':>7} {'(copy+index+analyze)':>21} "
        f"{'stored':>6} {'in s':>6} {'ms/round':>8} {'national s':>10} {'region s':>8} {'page 1st ms':>11} "
        f"{'page ms':>8} {'full page ms':>12} {'store plan':>10} {'direct SQL s':>12} {'load avg 1/5/15':>15}"
    )
    print(columns, flush=True)
    done = 0
    rounds_total = 1  # the target round
    for step, size in enumerate(sizes):
        start = time.perf_counter()
        sizes_ = round_sizes(size - done, low, high, rng)
        rounds = create_rounds(package, sizes_, rounds_total, effects, window, rng)
        created = time.perf_counter() - start
        times = load(url, codes, rounds, seed + 1 + step)
        load_s = created + times.total
        done = size
        rounds_total += len(rounds)
        average_before = load_average()

        # The scheduler's batches of 200, timed for the first STORE_SAMPLE new rounds.
        start = time.perf_counter()
        stored = 0
        while stored < STORE_SAMPLE and (batch := store_missing_aggregates(limit=200)):
            stored += batch
        store = time.perf_counter() - start
        # The rest only has to exist for the pools: the same per-round function
        # (`responses.round_aggregates`), untimed, with sequential scans off for this
        # connection - at 1M the app's plan for one round's answers scans every response
        # (see the README), which would take most of an hour here.
        with connection.cursor() as cur:
            cur.execute("SET enable_seqscan = off")
        rest = list(
            RoundModel.objects.filter(closed_at__isnull=False, aggregate__isnull=True).values_list("pk", flat=True)
        )
        for first in range(0, len(rest), 200):
            responses.round_aggregates(rest[first : first + 200], list(definitions), withheld=selectors.withheld_tables)
        with connection.cursor() as cur:
            cur.execute("RESET enable_seqscan")
            cur.execute("ANALYZE results_roundaggregate")  # autovacuum would (it is off on the test server)

        # A pool: the stored aggregates of the closed rounds in the window (the region's),
        # summed in memory, as `selectors.compute_comparisons` does.
        in_window = responses.closed_rounds().filter(closed_at__gte=window[0], closed_at__lte=window[1])
        start = time.perf_counter()
        everyone = selectors._aggregates_of(list(in_window.values_list("pk", flat=True)))
        selectors._pool(everyone, policy.k, item_codes, score_codes)
        national = time.perf_counter() - start
        start = time.perf_counter()
        regional = in_window.filter(order__cluster__region_id=region_id).values_list("pk", flat=True)
        selectors._pool(selectors._aggregates_of(list(regional)), policy.k, item_codes, score_codes)
        region = time.perf_counter() - start
        # A view before the scheduler has stored the round's comparison groups: it
        # computes them in memory (a read never writes). Then the scheduler's duty stores
        # them, as it does for every closed round, and every later view reads them.
        RoundAggregate.objects.filter(round=own).update(comparisons=None)
        cache.clear()
        start = time.perf_counter()
        results_as_dict(selectors.round_results(own))
        first_page = time.perf_counter() - start
        store_comparisons(own)
        page = best_of(lambda: results_as_dict(selectors.round_results(own)))
        full = full_page(own)
        plan = round_plan(own)

        start = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(DIRECT_SQL, [package.pk])
            cur.fetchall()
            direct = time.perf_counter() - start
            cur.execute("SELECT count(*) FROM surveys_answer")
            (rows,) = cur.fetchone()
        print(
            f"{size:>10,} {len(rounds):>7,} {rows:>12,} {load_s:>7.1f} "
            f"{f'{times.copy:.1f}+{times.indexes:.1f}+{times.analyze:.1f}':>21} "
            f"{stored:>6,} {store:>6.1f} {store / max(stored, 1) * 1000:>8.1f} {national:>10.3f} {region:>8.3f} "
            f"{first_page * 1000:>11.0f} {page * 1000:>8.0f} {full * 1000:>12.0f} {plan:>10} "
            f"{direct:>12.2f} {average_before:>15}",
            flush=True,
        )
        groups = selectors.round_results(own).comparisons
        print(
            "           the page compares with: "
            + "; ".join(f"{g.label}: {g.rounds:,} rounds, {g.respondents:,} respondents" for g in groups)
            + f"; load average now {load_average()}",
            flush=True,
        )
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cur.fetchone()[0]}")


if __name__ == "__main__":
    main()
