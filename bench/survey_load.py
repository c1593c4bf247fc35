"""Load benchmark of the respondent's questionnaire, and of the framework's ceiling.

    .venv/bin/python bench/survey_load.py [--db sqlite|postgres] [--respondents 50]
        [--questionnaires N] [--duration S] [--think S[,S...]] [--target both|app|ceiling]

Sets up each target - the app, and the ceiling in bench/ceiling/ - with a fresh
database (SQLite files in a temporary folder, or the PostgreSQL databases
`klyngepakke_bench` and `klyngepakke_bench_ceiling` on 127.0.0.1:5432, created and
dropped), serves each with gunicorn on 127.0.0.1 with DEBUG off, and runs N concurrent
simulated respondents against it, each a fresh "browser" (own keep-alive connection,
own cookies) doing the whole flow:

    GET /s/<token>/ -> 302, landing, per section GET + POST (-> 302), review GET,
    submit POST (-> 200: the receipt is the submit's own response)

After an unmeasured warm-up of each target:

- throughput: no think time; each respondent sends its next request as soon as the
  last answer arrived, so N respondents keep N requests in flight (a closed loop that
  saturates the server). The targets take turns (--rounds turns each, --duration
  seconds in all per target), so whatever else the machine does hits both alike.
  Gives questionnaires/s (requests/s over the requests one questionnaire takes),
  and latency under saturation.
- one latency phase per --think value (default 1 s), --duration seconds per target:
  each respondent "thinks" that long on average (0.5x-1.5x) before each action
  (start, send a page, send the questionnaire); redirects are followed at once. Gives
  latency for N people answering at the same time at a brisk pace (people take far
  longer: the package says 10 minutes for 7 actions, about 85 s each).

A phase stops after --questionnaires questionnaires or --duration seconds, whichever
comes first; at the deadline a respondent who has not yet submitted gives up, and a
submit already sent is always followed through. At the end it compares what each
database holds with what its server acknowledged (thanks page reached): every
acknowledged answer set must be stored exactly once, and nothing else.

Only ever connects to 127.0.0.1. Installs nothing and writes nothing outside the
temporary folder and the benchmark databases.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"  # never anything else
PG_DB = "klyngepakke_bench"
PG_BASE = f"postgres://postgres@{HOST}:5432"
KINDS = ["enter", "landing", "section_get", "section_post", "review_get", "submit"]


# --------------------------------------------------------------------------- the driver


class FlowError(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


FORM_RE = re.compile(r"<form\b[^>]*>(.*?)</form>", re.S)
INPUT_RE = re.compile(r"<input\b([^>]*)>")
TEXTAREA_RE = re.compile(r"<textarea\b([^>]*)>")
ATTR_RE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
START_RE = re.compile(r'<a class="button" href="([^"]+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PREFER = {"practice_type": "partnership"}


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    completed: int = 0
    abandoned: int = 0
    flow_requests: float = 0.0  # requests per completed questionnaire
    reconnects: int = 0  # idle keep-alive connections the server had closed
    acknowledged: list[list[list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Browser:
    """One respondent's browser: a keep-alive connection and a cookie jar."""

    def __init__(
        self, port: int, stats: Stats, record: bool, think: float = 0.0, rng: random.Random | None = None
    ) -> None:
        self.port = port
        self.stats = stats
        self.record = record
        self.think = think
        self.rng = rng or random.Random()
        self.sent = 0
        self.last_kind = ""
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        self.conn.close()

    def request(self, kind: str, method: str, path: str, form: list[tuple[str, str]] | None = None):
        headers = {
            "Host": f"{HOST}:{self.port}",
            "User-Agent": "klyngepakke-bench",
            "Accept": "text/html",
            # As behind the TLS-terminating proxy in production (secure cookies, HSTS).
            "X-Forwarded-Proto": "https",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        # Think time before each thing a person does: start from the landing page, send
        # a page, send the questionnaire. Redirects are followed at once, as a browser does.
        acting = kind in ("section_post", "submit") or (kind == "section_get" and self.last_kind == "landing")
        if self.think and acting:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
        self.sent += 1
        self.last_kind = kind
        if method == "POST":
            body = urlencode(form or []).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}:{self.port}"
        started = time.perf_counter()
        reused = self.conn.sock is not None
        try:
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                if not reused:
                    raise
                # The server closed the idle keep-alive connection before it got this
                # request (gunicorn's keep-alive is 2 s): reconnect and send it again,
                # as browsers do.
                self.conn.close()
                self.stats.reconnects += 1
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            raise FlowError(kind, type(exc).__name__) from exc
        elapsed = time.perf_counter() - started
        if self.record:
            self.stats.latencies[kind].append(elapsed)
        for raw in response.msg.get_all("Set-Cookie") or []:
            pair, _, attributes = raw.partition(";")
            name, _, value = pair.strip().partition("=")
            if "max-age=0" in attributes.lower().replace(" ", ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value.strip('"')
        if response.will_close:
            self.conn.close()
        return response.status, response.getheader("Location", ""), content.decode("utf-8", "replace")


def _location(kind: str, status: int, location: str) -> str:
    if status != 302 or not location:
        raise FlowError(kind, f"HTTP {status}")
    return urlsplit(location).path


def _expect_page(kind: str, status: int) -> None:
    if status != 200:
        raise FlowError(kind, f"HTTP {status}")


def _fill(page: str, rng: random.Random) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Valid answers for the page's question form: the form data and the answers given."""
    forms = FORM_RE.findall(page)
    if not forms:
        raise FlowError("section_get", "no form")
    form = forms[-1]  # the question form comes after the language switch
    radios: dict[str, list[str]] = defaultdict(list)
    boxes: dict[str, list[str]] = defaultdict(list)
    data: list[tuple[str, str]] = []
    for attrs in INPUT_RE.findall(form):
        a = dict(ATTR_RE.findall(attrs))
        kind, name = a.get("type", "text"), a.get("name")
        if not name:
            continue
        if kind == "radio":
            radios[name].append(a.get("value", ""))
        elif kind == "checkbox":
            boxes[name].append(a.get("value", ""))
        elif kind == "hidden":
            data.append((name, a.get("value", "")))
    answers: list[tuple[str, str]] = []
    for name, values in radios.items():
        choice = PREFER.get(name) if PREFER.get(name) in values else rng.choice(values)
        answers.append((name, choice))
    for name, values in boxes.items():
        for choice in sorted(rng.sample(values, k=min(len(values), rng.randint(1, 2))), key=values.index):
            answers.append((name, choice))
    for attrs in TEXTAREA_RE.findall(form):
        name = dict(ATTR_RE.findall(attrs)).get("name")
        if name:
            answers.append((name, f"Svar {rng.randrange(10**6)} fra benchmark"))
    data.extend(answers)
    if 'name="nav" value="next"' in form:
        data.append(("nav", "next"))
    return data, answers


def questionnaire(browser: Browser, token: str, rng: random.Random, deadline: float) -> list[list[str]] | None:
    """One respondent's whole flow. Returns the acknowledged answers, None if given up."""
    status, location, _ = browser.request("enter", "GET", f"/s/{token}/")
    path = _location("enter", status, location)
    status, _, page = browser.request("landing", "GET", path)
    _expect_page("landing", status)
    start = START_RE.search(page)
    if not start:
        raise FlowError("landing", "no start link")
    path = urlsplit(start.group(1)).path
    given: list[tuple[str, str]] = []
    for _ in range(60):
        if not path.startswith("/svar/side/"):
            break
        if time.monotonic() > deadline:
            return None
        status, _, page = browser.request("section_get", "GET", path)
        _expect_page("section_get", status)
        data, answers = _fill(page, rng)
        given.extend(answers)
        status, location, _ = browser.request("section_post", "POST", path, data)
        path = _location("section_post", status, location)
    else:
        raise FlowError("section_post", "no end of sections")
    if path != "/svar/gennemse/":
        raise FlowError("section_post", "did not reach review")
    if time.monotonic() > deadline:
        return None
    status, _, page = browser.request("review_get", "GET", path)
    _expect_page("review_get", status)
    csrf = CSRF_RE.findall(page)
    if not csrf:
        raise FlowError("review_get", "no CSRF token")
    # From here on the answers may be stored: always follow through.
    status, _, page = browser.request("submit", "POST", path, [("csrfmiddlewaretoken", csrf[-1])])
    _expect_page("submit", status)
    if "Tak for dit svar" not in page:
        raise FlowError("submit", "no receipt")
    return sorted([code, value] for code, value in given)


def run_load(
    port: int,
    tokens: list[str],
    respondents: int,
    limit: int,
    duration: float,
    record: bool,
    seed: int,
    think: float = 0.0,
) -> tuple[Stats, float, float]:
    """Closed loop: `respondents` threads, each doing questionnaires back to back."""
    stats = Stats()
    pool = iter(tokens[:limit])
    pool_lock = threading.Lock()
    deadline = time.monotonic() + duration

    def respondent(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        if think:
            time.sleep(rng.uniform(0, think))  # do not all start at once
        while time.monotonic() < deadline:
            with pool_lock:
                token = next(pool, None)
            if token is None:
                return
            browser = Browser(port, stats, record, think, rng)
            try:
                answers = questionnaire(browser, token, rng, deadline)
            except FlowError as exc:
                with stats.lock:
                    stats.errors[f"{exc.kind}: {exc.detail}"] += 1
                continue
            finally:
                browser.close()
            with stats.lock:
                if answers is None:
                    stats.abandoned += 1
                else:
                    stats.completed += 1
                    stats.acknowledged.append(answers)
                    stats.flow_requests = browser.sent

    threads = [threading.Thread(target=respondent, args=(i,), daemon=True) for i in range(respondents)]
    started = time.perf_counter()
    cpu_started = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return stats, elapsed, time.process_time() - cpu_started


# --------------------------------------------------------------------------- the targets


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def postgres_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving `database` (not other users')."""
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database])]
    return {pid: cpu_seconds([pid]) for pid in pids}


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(sql)


class Target:
    def __init__(self, name: str, args: argparse.Namespace, workdir: Path) -> None:
        self.name = name
        self.args = args
        self.workdir = workdir / name
        self.workdir.mkdir()
        self.pg_db = PG_DB if name == "app" else f"{PG_DB}_ceiling"
        if args.db == "sqlite":
            self.database_url = f"sqlite:///{self.workdir / 'db.sqlite3'}"
        else:
            self.database_url = f"{PG_BASE}/{self.pg_db}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.database_url,
            "DATA_DIR": str(self.workdir),
            "SITE_URL": f"https://{HOST}",  # production settings require https (only e-mails use it)
            "BENCH_STATIC_ROOT": str(self.workdir / "static"),
            "BENCH_CEILING_LAYOUT": str(workdir / "layout.json"),
            "DJANGO_SETTINGS_MODULE": args.app_settings if name == "app" else "bench.ceiling.settings",
            "PYTHONPATH": str(ROOT),
        }
        self.wsgi = "klyngepakke.wsgi:application" if name == "app" else "bench.ceiling.wsgi:application"
        self.server: subprocess.Popen | None = None
        # The app runs as in production: beside gunicorn, the scheduler and one task
        # worker (mixing responses every few seconds, the other duties) share the cores.
        self.background: list[subprocess.Popen] = []

    def django(self, *argv: str) -> None:
        subprocess.run([PYTHON, "-m", "bench._django_side", *argv], cwd=ROOT, env=self.env, check=True)

    def create_database(self) -> None:
        if self.args.db == "postgres":
            pg_admin(f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)")
            pg_admin(f"CREATE DATABASE {self.pg_db}")

    def drop_database(self) -> None:
        if self.args.db == "postgres":
            pg_admin(f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)")

    def setup(self, count: int) -> list[str]:
        self.create_database()
        if self.name == "app":
            tokens_file = self.workdir / "tokens.txt"
            self.django(
                "setup-app",
                "--package",
                self.args.package,
                "--count",
                str(count),
                "--tokens",
                str(tokens_file),
            )
            tokens = tokens_file.read_text().split()
            tokens_file.unlink()
            return tokens
        self.django("setup-ceiling")
        return [secrets.token_urlsafe(24) for _ in range(count)]

    def start(self) -> int:
        port = free_port()
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            self.wsgi,
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(self.args.workers),
            "--worker-class",
            self.args.worker_class,
            "--threads",
            str(self.args.threads),
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.workdir / "gunicorn.log"),
        ]
        log = (self.workdir / "server.log").open("ab")
        self.server = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        if self.name == "app" and not self.background:
            for duty in (["run_worker"], ["db_worker", "--no-reload"]):
                self.background.append(
                    subprocess.Popen(
                        [PYTHON, str(ROOT / "manage.py"), *duty],
                        cwd=ROOT,
                        env=self.env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        for _ in range(200):
            time.sleep(0.05)
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=2)
                conn.request("GET", "/svar/tak/", headers={"Host": f"{HOST}:{port}", "X-Forwarded-Proto": "https"})
                conn.getresponse().read()
                conn.close()
                return port
            except OSError:
                if self.server.poll() is not None:
                    break
        raise SystemExit(f"{self.name}: gunicorn did not start; see {self.workdir / 'gunicorn.log'}")

    def stop(self) -> None:
        for process in self.background:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.background = []
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()

    def verify(self) -> dict:
        out = self.workdir / "verify.json"
        self.django("verify-app" if self.name == "app" else "verify-ceiling", "--out", str(out))
        return json.loads(out.read_text())


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def merge(parts: list[Stats]) -> Stats:
    merged = Stats()
    for part in parts:
        for kind, values in part.latencies.items():
            merged.latencies[kind].extend(values)
        merged.errors.update(part.errors)
        merged.completed += part.completed
        merged.abandoned += part.abandoned
        merged.reconnects += part.reconnects
        merged.flow_requests = merged.flow_requests or part.flow_requests
        merged.acknowledged.extend(part.acknowledged)
    return merged


def phase_result(stats: Stats, elapsed: float, cpu: dict[str, float], think: float) -> dict:
    everything = [v for kind in KINDS for v in stats.latencies[kind]]
    # Requests per questionnaire of those completed (the same for every one). Throughput
    # in questionnaires is requests/s over that: counting only completions in a short
    # window would miss the work on questionnaires begun but not finished at either end.
    per = stats.flow_requests or float("nan")
    return {
        "think_s": think,
        "elapsed_s": elapsed,
        "completed": stats.completed,
        "abandoned_at_deadline": stats.abandoned,
        "questionnaires_per_s": len(everything) / elapsed / per,
        "completed_per_s": stats.completed / elapsed,
        "requests": len(everything),
        "requests_per_s": len(everything) / elapsed,
        "requests_per_questionnaire": per,
        "errors": dict(stats.errors),
        "reconnects": stats.reconnects,
        "latency_ms": {
            kind: {
                "n": len(values),
                "p50": 1000 * percentile(values, 50),
                "p99": 1000 * percentile(values, 99),
                "max": 1000 * max(values, default=float("nan")),
            }
            for kind, values in [("all", everything)] + [(k, stats.latencies[k]) for k in KINDS]
        },
        "cpu_ms_per_questionnaire": {name: 1000 * seconds / len(everything) * per for name, seconds in cpu.items()},
    }


class Runner:
    """One target being served: its links, its gunicorn, what it acknowledged."""

    def __init__(self, name: str, args: argparse.Namespace, workdir: Path) -> None:
        self.name = name
        self.args = args
        self.target = Target(name, args, workdir)
        self.tokens: list[str] = []
        self.cursor = 0
        self.port = 0
        self.workers: list[int] = []
        self.acknowledged: list[list[list[str]]] = []
        self.phases: dict[str, dict] = {}
        self.seed = 1

    def take(self, count: int) -> list[str]:
        chunk = self.tokens[self.cursor : self.cursor + count]
        self.cursor += count
        return chunk

    def run(self, count: int, duration: float, think: float, record: bool = True) -> tuple[Stats, float, dict]:
        postgres = self.args.db == "postgres"
        db0 = postgres_cpu(self.target.pg_db) if postgres else {}
        server0 = cpu_seconds(self.workers)
        self.seed += 1
        stats, elapsed, driver_cpu = run_load(
            self.port, self.take(count), self.args.respondents, count, duration, record, self.seed, think
        )
        cpu = {"gunicorn": cpu_seconds(self.workers) - server0}
        if postgres:
            db1 = postgres_cpu(self.target.pg_db)
            cpu["postgres"] = sum(seconds - db0.get(pid, 0.0) for pid, seconds in db1.items())
        cpu["driver"] = driver_cpu
        self.acknowledged += stats.acknowledged
        return stats, elapsed, cpu


def flow_length(workdir: Path) -> int:
    """Requests per questionnaire on the benchmark's route: enter, landing, GET + POST per
    section, review, submit (whose response is the receipt). Used when a turn is too short
    for any questionnaire to finish (a very busy machine), so its throughput is still counted."""
    sections = json.loads((workdir / "layout.json").read_text())["sections"]
    return 4 + 2 * len(sections)


def run_all(names: list[str], args: argparse.Namespace, workdir: Path) -> dict[str, dict]:
    warmup = args.respondents if args.warmup is None else args.warmup
    expected = flow_length(workdir)
    thinks = [think for think in args.think if think > 0]
    slot = args.questionnaires // args.rounds + 1
    runners = {name: Runner(name, args, workdir) for name in names}
    for runner in runners.values():
        t0 = time.perf_counter()
        runner.tokens = runner.target.setup(warmup + slot * args.rounds + args.questionnaires * len(thinks))
        print(f"== {runner.name} on {args.db}: set up in {time.perf_counter() - t0:.1f} s", flush=True)
    try:
        for runner in runners.values():
            runner.port = runner.target.start()
            assert runner.target.server is not None
            runner.workers = children(runner.target.server.pid)
            warm, _, _ = runner.run(warmup, 120, 0.0, record=False)
            print(f"   {runner.name}: warm-up {warm.completed} questionnaires, errors {dict(warm.errors) or 0}")
        # Throughput, interleaved: the targets take turns in short slots, so a change in
        # what else the machine is doing affects both alike.
        print(
            f"== throughput: {args.respondents} respondents without think time, {args.rounds} turns of "
            f"{args.duration / args.rounds:.1f} s per target (load average {os.getloadavg()[0]:.2f})",
            flush=True,
        )
        parts: dict[str, list] = {name: [] for name in names}
        for turn in range(args.rounds):
            for name in names if turn % 2 == 0 else names[::-1]:
                stats, elapsed, cpu = runners[name].run(slot, args.duration / args.rounds, 0.0)
                stats.flow_requests = stats.flow_requests or expected
                parts[name].append((stats, elapsed, cpu))
                per = stats.flow_requests
                print(f"   turn {turn + 1} {name}: {sum(map(len, stats.latencies.values())) / elapsed / per:.2f} q/s")
        for name, runs in parts.items():
            cpu_total: Counter = Counter()
            for _, _, cpu in runs:
                cpu_total.update(cpu)
            result = phase_result(merge([r[0] for r in runs]), sum(r[1] for r in runs), dict(cpu_total), 0.0)
            result["turns_questionnaires_per_s"] = [
                sum(map(len, r[0].latencies.values())) / r[1] / (r[0].flow_requests or float("nan")) for r in runs
            ]
            runners[name].phases["throughput"] = result
            report(name, args.db, args.respondents, "throughput", result)
        for think in thinks:
            for name in names:
                phase = f"think {think:g} s"
                print(
                    f"== {phase}: {name}, {args.respondents} respondents, {args.duration:.0f} s "
                    f"(load average {os.getloadavg()[0]:.2f})",
                    flush=True,
                )
                stats, elapsed, cpu = runners[name].run(args.questionnaires, args.duration, think)
                stats.flow_requests = stats.flow_requests or expected
                runners[name].phases[phase] = phase_result(stats, elapsed, cpu, think)
                report(name, args.db, args.respondents, phase, runners[name].phases[phase])
    except BaseException:
        for runner in runners.values():
            runner.target.stop()
            runner.target.drop_database()
        raise
    for runner in runners.values():
        runner.target.stop()
    results = {}
    for name, runner in runners.items():
        try:
            stored = runner.target.verify()
        finally:
            runner.target.drop_database()
        acked = Counter(json.dumps(s) for s in runner.acknowledged)
        in_db = Counter(json.dumps(s) for s in stored["sets"])
        answers = {
            "acknowledged": sum(acked.values()),
            "stored_responses": stored["responses"],
            "answered_invitations": stored["answered_invitations"],
            "empty_responses": stored["empty_responses"],
            "answer_rows": stored["answer_rows"],
            "lost": sum((acked - in_db).values()),
            "unacknowledged_stored": sum((in_db - acked).values()),
            "duplicated": sum(n - 1 for n in in_db.values() if n > 1),
        }
        results[name] = {
            "target": name,
            "db": args.db,
            "respondents": args.respondents,
            "phases": runner.phases,
            "answers": answers,
        }
    return results


def report(name: str, db: str, respondents: int, phase: str, r: dict) -> None:
    print(f"   {name} on {db}, {phase}: {respondents} concurrent respondents, {r['elapsed_s']:.1f} s")
    if r["completed"]:
        print(
            f"   {r['questionnaires_per_s']:.2f} questionnaires/s = {r['requests']} requests "
            f"({r['requests_per_s']:.0f}/s) / {r['requests_per_questionnaire']:.0f} per questionnaire; "
            f"completed {r['completed']}, unfinished at the deadline {r['abandoned_at_deadline']}"
        )
    else:
        print(f"   {r['requests']} requests ({r['requests_per_s']:.0f}/s); no questionnaire finished in the time")
    print(f"   errors: {sum(r['errors'].values())} {r['errors'] or ''}")
    print(f"   {'latency (ms)':<14}{'n':>7}{'p50':>9}{'p99':>9}{'max':>9}")
    for kind, row in r["latency_ms"].items():
        print(f"   {kind:<14}{row['n']:>7}{row['p50']:>9.1f}{row['p99']:>9.1f}{row['max']:>9.1f}")
    cpu = ", ".join(f"{k} {v:.0f}" for k, v in r["cpu_ms_per_questionnaire"].items())
    print(f"   CPU ms per questionnaire: {cpu}", flush=True)


def summary(results: dict[str, dict]) -> None:
    print("\n== summary")
    for r in results.values():
        a = r["answers"]
        for phase, p in r["phases"].items():
            all_ = p["latency_ms"]["all"]
            rate = f"{p['questionnaires_per_s']:6.2f} questionnaires/s" if phase == "throughput" else " " * 23
            print(
                f"   {r['target']:<8} {r['db']:<9} {phase:<11} {rate} {p['requests_per_s']:5.0f} req/s  "
                f"p50 {all_['p50']:6.1f} ms  p99 {all_['p99']:6.1f} ms  errors {sum(p['errors'].values())}"
            )
        print(
            f"   {r['target']:<8} {r['db']:<9} answers: acknowledged {a['acknowledged']} "
            f"stored {a['stored_responses']} "
            f"lost {a['lost']} duplicated {a['duplicated']} unacknowledged {a['unacknowledged_stored']}"
        )
    if "app" not in results:
        return
    app = results["app"]
    goals: dict[str, bool] = {}
    if "ceiling" in results:
        mine, bare = app["phases"]["throughput"], results["ceiling"]["phases"]["throughput"]
        ratio = mine["questionnaires_per_s"] / bare["questionnaires_per_s"]
        # What the ratio would be on an otherwise idle machine, where throughput is
        # bounded by the CPU all parts (server, database, driver) need per questionnaire.
        cpu_ratio = sum(bare["cpu_ms_per_questionnaire"].values()) / sum(mine["cpu_ms_per_questionnaire"].values())
        print(
            f"   app / ceiling: {ratio:.0%} of the questionnaires per second "
            f"(CPU-bound estimate from CPU per questionnaire: {cpu_ratio:.0%})"
        )
        goals[">= 50% of the ceiling's questionnaires/s"] = ratio >= 0.5
    for phase, p in app["phases"].items():
        worst = max(row["p99"] for row in p["latency_ms"].values() if row["n"])
        goals[f"p99 < 150 ms for every step ({phase}; worst {worst:.0f} ms)"] = worst < 150
    goals["no errors"] = not any(p["errors"] for p in app["phases"].values())
    a = app["answers"]
    clean = a["lost"] == a["duplicated"] == a["unacknowledged_stored"] == 0
    goals["no lost/duplicated/unacknowledged responses"] = clean
    for goal, met in goals.items():
        print(f"   goal {goal}: {'met' if met else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--respondents", type=int, default=50, help="concurrent respondents (default 50)")
    parser.add_argument("--questionnaires", type=int, default=1000, help="per phase, stop after this many")
    parser.add_argument("--duration", type=float, default=15, help="or after this many seconds (default 15)")
    parser.add_argument("--rounds", type=int, default=3, help="turns per target in the throughput phase")
    parser.add_argument(
        "--think",
        type=lambda text: [float(part) for part in text.split(",") if part],
        default=[1.0],
        help="mean think times (s) per action, one latency phase each (default 1; 0: none)",
    )
    parser.add_argument("--target", choices=["both", "app", "ceiling"], default="both")
    parser.add_argument("--package", default="samarbejde-og-faellesskab")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (default 2)")
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--warmup", type=int, default=None, help="unmeasured questionnaires first (default: N)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--app-settings", default="bench.app_settings", help="settings module for the app (default bench.app_settings)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="klyngepakke-bench-"))
    print(
        f"Klyngepakke survey load benchmark: {os.cpu_count()} CPUs, gunicorn {args.workers} x {args.worker_class} "
        f"{args.threads} threads, package {args.package}, app settings {args.app_settings}, work folder {workdir}",
        flush=True,
    )
    try:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "klyngepakke.settings", "DEBUG": "true", "PYTHONPATH": str(ROOT)}
        layout = str(workdir / "layout.json")
        subprocess.run(
            [PYTHON, "-m", "bench._django_side", "layout", "--package", args.package, "--out", layout],
            cwd=ROOT,
            env=env,
            check=True,
        )
        names = ["app", "ceiling"] if args.target == "both" else [args.target]
        results = run_all(names, args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    summary(results)


if __name__ == "__main__":
    main()
