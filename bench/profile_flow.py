"""Where the app's time goes in the respondent flow: cProfile over in-process requests.

    .venv/bin/python bench/profile_flow.py [--db sqlite|postgres] [--questionnaires 40] [--target app|ceiling]
        [--top N] [--show-sql] [--pyinstrument]

Same settings as the load benchmark (DEBUG off, production middleware), same database
set-up, but the requests go through Django's test client in this one process (with
CSRF checks on), so the profile shows the app's own CPU time without the network or
gunicorn. Prints per-step mean times and the top functions by own and cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import survey_load  # noqa: E402


class ClientBrowser:
    """The driver's Browser interface over django.test.Client."""

    _client = None

    def __init__(self, times: dict[str, list[float]], queries: dict[str, list[list[str]]] | None = None) -> None:
        from django.test import Client

        # One client (one WSGI handler, middleware loaded once, as in a gunicorn
        # worker); a fresh cookie jar per respondent.
        if ClientBrowser._client is None:
            ClientBrowser._client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        self.client = ClientBrowser._client
        self.client.cookies.clear()
        self.times = times
        self.queries = queries

    def request(self, kind: str, method: str, path: str, form=None):
        from django.db import connection

        executed: list[str] = []

        def record(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        started = time.process_time()
        with connection.execute_wrapper(record):
            response = self._send(method, path, form)
        self.times[kind].append(time.process_time() - started)
        if self.queries is not None:
            self.queries[kind].append(executed)
        return response.status_code, response.get("Location", ""), response.content.decode()

    def _send(self, method: str, path: str, form):
        if method == "POST":
            data: dict[str, list[str]] = defaultdict(list)
            for key, value in form or []:
                data[key].append(value)
            response = self.client.post(path, data, secure=True, headers={"Origin": "https://127.0.0.1"})
        else:
            response = self.client.get(path, secure=True)
        return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--questionnaires", type=int, default=40)
    parser.add_argument("--target", choices=["app", "ceiling"], default="app")
    parser.add_argument("--package", default="samarbejde-og-faellesskab")
    parser.add_argument("--app-settings", default="bench.app_settings")
    parser.add_argument("--top", type=int, default=35, help="functions to list; 0: no profiler, just CPU per step")
    parser.add_argument("--show-sql", action="store_true", help="print one request's SQL per step")
    parser.add_argument(
        "--pyinstrument",
        action="store_true",
        help="sample with pyinstrument (pip-install it into the venv yourself; not a dependency) instead of cProfile",
    )
    args = parser.parse_args()
    args.workers, args.threads, args.worker_class = 1, 1, "sync"

    workdir = Path(tempfile.mkdtemp(prefix="klyngepakke-profile-"))
    target = None
    try:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "klyngepakke.settings", "DEBUG": "true", "PYTHONPATH": str(ROOT)}
        layout = str(workdir / "layout.json")
        subprocess.run(
            [sys.executable, "-m", "bench._django_side", "layout", "--package", args.package, "--out", layout],
            cwd=ROOT,
            env=env,
            check=True,
        )
        target = survey_load.Target(args.target, args, workdir)
        warmup = 5
        tokens = target.setup(args.questionnaires + warmup)
        os.environ.update(target.env)
        import django

        django.setup()
        rng = random.Random(1)
        times: dict[str, list[float]] = defaultdict(list)
        queries: dict[str, list[list[str]]] = defaultdict(list)
        for token in tokens[:warmup]:
            survey_load.questionnaire(ClientBrowser(defaultdict(list)), token, rng, float("inf"))
        # CPU time, not wall time: the figures hold on a busy machine too.
        sampler = None
        if args.pyinstrument:
            from pyinstrument import Profiler

            sampler = Profiler(interval=0.0005)
        profiler = cProfile.Profile(time.process_time) if args.top and not sampler else None
        started = time.process_time()
        if profiler:
            profiler.enable()
        if sampler:
            sampler.start()
        for token in tokens[warmup:]:
            survey_load.questionnaire(ClientBrowser(times, queries), token, rng, float("inf"))
        if profiler:
            profiler.disable()
        if sampler:
            sampler.stop()
        elapsed = time.process_time() - started
        n = len(tokens) - warmup
        print(
            f"{args.target} on {args.db}: {n} questionnaires, {1000 * elapsed / n:.1f} ms CPU each"
            f"{' under cProfile' if profiler else ' (no profiler; includes the driver)'}"
        )
        print(f"{'step':<14}{'n':>6}{'CPU ms':>10}{'SQL/request':>13}")
        for kind in survey_load.KINDS:
            values, runs = times[kind], queries[kind]
            per = sum(len(r) for r in runs) / max(1, len(runs))
            print(f"{kind:<14}{len(values):>6}{1000 * sum(values) / max(1, len(values)):>10.2f}{per:>13.1f}")
        if args.show_sql:
            for kind in survey_load.KINDS:
                print(f"\n-- {kind}")
                for sql in queries[kind][-1]:
                    print("   ", sql[:300])
        if sampler:
            print(sampler.output_text(unicode=False, color=False, show_all=False))
        for sort in ("tottime", "cumulative") if profiler else ():
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_stats(args.top)
            print(out.getvalue())
    finally:
        if target is not None:
            from django.apps import apps

            if apps.ready:
                from django.db import connections

                connections.close_all()
            target.drop_database()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
