"""A real gunicorn with deploy/gunicorn.conf.py logs survey link requests without their tokens."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request

from tests.smtp import free_port

from .production import ROOT, production_env, run_python

MAKE_A_SURVEY_LINK = """
import json
import django
django.setup()
from django.core.management import call_command
from tests import factories

call_command("migrate", verbosity=0)
factories.shipped_catalogue()
round_ = factories.open_survey_round(factories.survey_cluster(members=3, solo=0))
print(json.dumps(factories.issue_link(round_.invitations.first())))
"""

HOST = "klyngepakke.example.dk"


def get(port: int, path: str, referrer: str | None = None) -> int:
    headers = {"Host": HOST, "X-Forwarded-Proto": "https"}  # as the TLS proxy sends it
    if referrer:
        headers["Referer"] = referrer
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_for_port(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            get(port, "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer")


def test_the_access_log_has_the_request_but_not_the_token(tmp_path):
    env = production_env(tmp_path, ALLOWED_HOSTS=HOST)
    made = run_python(MAKE_A_SURVEY_LINK, env)
    assert made.returncode == 0, made.stderr
    token = json.loads(made.stdout.strip().splitlines()[-1])

    port = free_port()
    access_log = tmp_path / "access.log"
    error_log = tmp_path / "error.log"
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    logs = ["--access-logfile", str(access_log), "--error-logfile", str(error_log)]
    server = subprocess.Popen(
        [gunicorn, "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1", *logs],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )
    try:
        wait_for_port(port, server)
        entered = get(
            port, f"/s/{token}/?fra=/s/{token}/&igen=%2Fs%2F{token}%2F", referrer=f"https://{HOST}/s/{token}/"
        )
        assert entered == 302  # exchanged for a session
        time.sleep(0.5)  # let the worker write its log line
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)

    logged = access_log.read_text()
    assert token not in logged
    assert token not in error_log.read_text()
    [line] = [line for line in logged.splitlines() if "/s/" in line]
    assert '"GET /s/[redacted]/?fra=/s/[redacted]/&igen=%2Fs%2F[redacted]%2F HTTP/1.1" 302' in line
    assert f'"https://{HOST}/s/[redacted]/"' in line
    assert "GET /healthz" in logged
