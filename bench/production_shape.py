"""The production shape, tried: two web instances and two task workers on one
PostgreSQL, with a worker killed and the database restarted under load.

    .venv/bin/python bench/production_shape.py [--respondents 16] [--count 600]
        [--duration 40] [--think 0.2] [--keep]

1. Starts a PostgreSQL of its own (initdb as the `postgres` user into a temporary
   folder, on a free port of 127.0.0.1), so restarting it disturbs no one else's
   database; creates `kp_bench_shape` in it.
2. Sets up the app there (bench._django_side's round of N invitations, whose e-mails are
   queued in the outbox, and one order whose follow-up is due) and starts a loopback
   SMTP sink (aiosmtpd) that counts every e-mail.
3. Starts two gunicorn instances (DEBUG off), the scheduler (`run_worker --interval 1`)
   and two task workers (`db_worker`). A watchdog restarts a worker that exits, as
   systemd's Restart=always would.
4. Drives the respondent load of bench/survey_load.py over both instances (half the
   respondents each). During the load it kills one worker with SIGKILL (at 1/4 of the
   duration) and restarts PostgreSQL (`pg_ctl restart -m fast`, at 1/2).
5. After the load, lets the round fall due and waits (at most --settle seconds) until
   the scheduler and workers have closed it and stored its aggregate, comparisons and
   materials, and sent every e-mail.
6. Checks: every acknowledged questionnaire stored exactly once, none partial, nothing
   stored that was not submitted in full; every e-mail received once; the round closed
   once, the follow-up moved once, one aggregate per closed round, each round's
   materials built once.

Only ever connects to 127.0.0.1; removes its PostgreSQL folder and work folder at the
end (unless --keep). Needs root (to run initdb and pg_ctl as `postgres`) and
PostgreSQL's server binaries (/usr/lib/postgresql/<version>/bin).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.survey_load import HOST, Stats, free_port, merge, run_load  # noqa: E402
from tests.smtp import SmtpServer  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
DATABASE = "kp_bench_shape"


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit(f"PostgreSQL's {name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


class Postgres:
    """A throwaway PostgreSQL cluster on 127.0.0.1:<free port>."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kp_shape_pg_"))
        self.port = free_port()
        self.url = f"postgres://postgres@{HOST}:{self.port}"

    def _as_postgres(self, *argv: str) -> None:
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        subprocess.run([runuser, "-u", "postgres", "--", *argv], check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(pg_bin("initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres", "--no-sync")
        self._ctl("start")
        self.admin(f"CREATE DATABASE {DATABASE}")

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off -c max_connections=200"
        self._as_postgres(
            pg_bin("pg_ctl"),
            "-D",
            str(self.dir),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-m",
            "fast",
            "-w",
            action,
        )

    def restart(self) -> None:
        self._ctl("restart")

    def stop(self) -> None:
        if (self.dir / "postmaster.pid").exists():
            self._ctl("stop")

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(sql)


class Processes:
    """The app's processes, with a watchdog that restarts a task worker that exits."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        self.web: list[tuple[subprocess.Popen, int]] = []
        self.scheduler: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}
        self.restarts: Counter = Counter()
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("ab")
        return subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_web(self) -> list[int]:
        for n in range(2):
            port = free_port()
            argv = [str(BIN / "gunicorn"), "klyngepakke.wsgi:application", "--bind", f"{HOST}:{port}"]
            argv += ["--workers", "2", "--worker-class", "gthread", "--threads", "2", "--log-level", "warning"]
            self.web.append((self.spawn(f"web{n}", argv), port))
        for process, port in self.web:
            wait_http(port, process)
        return [port for _, port in self.web]

    def start_worker(self, name: str) -> None:
        argv = [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--worker-id", name]
        with self.lock:
            self.workers[name] = self.spawn(name, argv)

    def start_background(self) -> None:
        self.scheduler = self.spawn("scheduler", [PYTHON, "manage.py", "run_worker", "--interval", "1"])
        for name in ("worker-a", "worker-b"):
            self.start_worker(name)
        threading.Thread(target=self._watchdog, daemon=True).start()

    def _watchdog(self) -> None:
        while not self.stopping.wait(0.5):
            with self.lock:
                dead = [name for name, p in self.workers.items() if p.poll() is not None]
            for name in dead:
                self.restarts[name] += 1
                self.start_worker(name)

    def kill_worker(self, name: str) -> None:
        with self.lock:
            os.kill(self.workers[name].pid, signal.SIGKILL)

    def stop(self) -> None:
        self.stopping.set()
        everything = [p for p, _ in self.web] + list(self.workers.values())
        everything += [self.scheduler] if self.scheduler else []
        for process in everything:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in everything:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_http(port: int, process: subprocess.Popen) -> None:
    import http.client

    for _ in range(400):
        time.sleep(0.05)
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            if process.poll() is not None:
                break
    raise SystemExit(f"gunicorn on port {port} did not start")


def django_step(env: dict[str, str], *argv: str) -> None:
    subprocess.run([PYTHON, "-m", "bench._shape_side", *argv], cwd=ROOT, env=env, check=True)


def read_state(env: dict[str, str], workdir: Path) -> dict:
    out = workdir / "state.json"
    django_step(env, "state", "--out", str(out))
    return json.loads(out.read_text())


def settled(state: dict, invitations: int) -> bool:
    return (
        state["rounds_open"] == 0
        and state["aggregates"] == state["rounds"]
        and len(state["material_rounds"]) == state["rounds"]
        and state["outbox"].get("queued", 0) == 0
        and state["orders_follow_up_due"] == 1
        and state["outbox"].get("sent", 0) + state["outbox"].get("failed", 0) >= invitations
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=16, help="concurrent respondents in all")
    parser.add_argument("--count", type=int, default=600, help="invitations (links) in the round")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds of load")
    parser.add_argument("--think", type=float, default=0.2, help="mean think time per action")
    parser.add_argument("--settle", type=float, default=180.0, help="seconds to wait for the duties after the load")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kp_shape_"))
    postgres = Postgres()
    smtp = SmtpServer()
    processes: Processes | None = None
    try:
        postgres.start()
        smtp.__enter__()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "EMAIL_"))},
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"{postgres.url}/{DATABASE}",
            "DATA_DIR": str(workdir),
            "SITE_URL": f"https://{HOST}",  # production settings require https (only e-mails use it)
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(smtp.port),
            "BENCH_STATIC_ROOT": str(workdir / "static"),
            "DJANGO_SETTINGS_MODULE": "bench.app_settings",
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "INFO",
        }
        tokens_file = workdir / "tokens.txt"
        django_step(env, "setup", "--count", str(args.count), "--tokens", str(tokens_file))
        tokens = tokens_file.read_text().split()
        invitations = len(tokens) + 1  # and the follow-up cluster's member

        processes = Processes(workdir, env)
        ports = processes.start_web()
        processes.start_background()
        print(f"PostgreSQL on {HOST}:{postgres.port}, web on {ports}, work folder {workdir}")

        events: list[str] = []
        started = time.monotonic()

        def disturb() -> None:
            time.sleep(args.duration / 4)
            processes.kill_worker("worker-a")
            events.append(f"{time.monotonic() - started:5.1f} s: worker-a killed (SIGKILL)")
            time.sleep(args.duration / 4)
            before = time.monotonic()
            postgres.restart()
            events.append(
                f"{before - started:5.1f} s: PostgreSQL restarted (fast; down {time.monotonic() - before:.1f} s)"
            )

        disturber = threading.Thread(target=disturb)
        disturber.start()
        half = len(tokens) // 2
        results: list[Stats] = []

        def drive(port: int, chunk: list[str], seed: int) -> None:
            stats, _, _ = run_load(
                port, chunk, args.respondents // 2, len(chunk), args.duration, True, seed, args.think
            )
            results.append(stats)

        drivers = [
            threading.Thread(target=drive, args=(ports[0], tokens[:half], 11)),
            threading.Thread(target=drive, args=(ports[1], tokens[half:], 12)),
        ]
        for thread in drivers:
            thread.start()
        for thread in drivers:
            thread.join()
        disturber.join()
        stats = merge(results)
        load_seconds = time.monotonic() - started

        django_step(env, "close-now")
        deadline = time.monotonic() + args.settle
        while True:
            state = read_state(env, workdir)
            if settled(state, invitations) or time.monotonic() > deadline:
                break
            time.sleep(2)
        settle_seconds = time.monotonic() - started - load_seconds
        processes.stop()
        state = read_state(env, workdir)
        mails = smtp.mailbox.messages
        report(args, stats, state, mails, events, processes.restarts, load_seconds, settle_seconds, invitations)
    finally:
        if processes is not None:
            processes.stop()
        smtp.__exit__(None, None, None)
        postgres.stop()
        if args.keep:
            print(f"kept {workdir} and {postgres.dir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            postgres.remove()


def report(args, stats, state, mails, events, restarts, load_seconds, settle_seconds, invitations) -> None:
    responses = state["responses"]
    stored = Counter(json.dumps(s) for s in responses["sets"])
    acknowledged = Counter(json.dumps(s) for s in stats.acknowledged)
    lost = sum((acknowledged - stored).values())
    unacknowledged = sum((stored - acknowledged).values())
    duplicated = sum(n - 1 for n in stored.values() if n > 1)
    mail_counts = Counter((str(m["To"]), str(m["Subject"])) for m in mails)
    mailed_twice = sum(1 for n in mail_counts.values() if n > 1)
    checks = {
        "acknowledged questionnaires stored exactly once (none lost)": lost == 0,
        "no questionnaire stored twice": duplicated == 0,
        "no partial responses (no empty ones, no partial answers left)": responses["empty_responses"] == 0
        and responses["partial_answers_left"] == 0,
        "answered invitations = stored responses": responses["answered_invitations"] == responses["responses"],
        "no e-mail received twice": mailed_twice == 0,
        "every e-mail sent and recorded as sent (none queued; none left 'sending' by a killed worker)": len(mails)
        == state["outbox"].get("sent", 0)
        and state["outbox"].get("queued", 0) == 0
        and state["outbox"].get("sending", 0) == 0,
        "every round closed, once": state["rounds_open"] == 0 and set(state["closed_events_per_order"]) == {1},
        "follow-up moved once": state["follow_up_events"] == 1 and state["orders_follow_up_due"] == 1,
        "one aggregate (with comparisons) per closed round": state["aggregates"] == state["rounds"]
        and state["comparisons"] == state["rounds"],
        "materials of every round built once": len(state["material_rounds"]) == state["rounds"]
        and all(r["builds"] == 1 for r in state["material_rounds"]),
    }
    print()
    print(f"load: {load_seconds:.0f} s, {args.respondents} respondents over 2 instances, think {args.think} s")
    for line in events:
        print(f"  {line}")
    print(f"  worker restarts by the watchdog: {dict(restarts) or 'none'}")
    print(
        f"questionnaires: {stats.completed} acknowledged, {stats.abandoned} given up at the deadline, "
        f"{sum(stats.errors.values())} failed in flight"
    )
    for error, n in stats.errors.most_common(6):
        print(f"  {n:4d} x {error}")
    print(
        f"stored: {responses['responses']} responses; lost {lost}, duplicated {duplicated}, "
        f"stored but not acknowledged {unacknowledged} (a submit whose answer the restart cut off)"
    )
    print(f"e-mail: {len(mails)} received, {mailed_twice} twice; outbox {state['outbox']}")
    if state["outbox"].get("sending", 0):
        print(
            f"  {state['outbox']['sending']} message(s) left 'sending': claimed by a worker killed before it"
            f" recorded the outcome; {len(mails) - state['outbox'].get('sent', 0)} of them reached the mail server"
            " and would go out again when the claim runs out (15 minutes): at least once, never lost"
        )
    print(f"duties settled {settle_seconds:.0f} s after the load; tasks {state['tasks']}; back-off {state['backoff']}")
    print()
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    if not all(checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
