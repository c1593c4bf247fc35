"""Django's own request logging and the error e-mails to ADMINS keep survey tokens out.

(The respondent flow's 404/410 log lines are checked in surveys/tests/test_anonymity.py;
gunicorn's access log in test_gunicorn_access_log.py.)
"""

from __future__ import annotations

import io
import logging

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve

from klyngepakke.web.logging import RedactSurveyTokens, redact
from tests import factories

TOKEN = "Zq3" + "x" * 26 + "_-9"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /s/{TOKEN}/ HTTP/1.1", "GET /s/[redacted]/ HTTP/1.1"),
        (f"/s/{TOKEN}", "/s/[redacted]"),
        (f"/login/?next=/s/{TOKEN}/&x=1", "/login/?next=/s/[redacted]/&x=1"),
        (f"/login/?next=%2Fs%2F{TOKEN}%2F", "/login/?next=%2Fs%2F[redacted]%2F"),
        (f"/login/?next=%2fs%2f{TOKEN}", "/login/?next=%2fs%2f[redacted]"),
        (f'"https://klyngepakke.dk/s/{TOKEN}/"', '"https://klyngepakke.dk/s/[redacted]/"'),
        ("/static/web/site.css /klynger/abc/runder/3/", "/static/web/site.css /klynger/abc/runder/3/"),
        # A practice plan's link carries a token the same way.
        (f"GET /p/{TOKEN}/ HTTP/1.1", "GET /p/[redacted]/ HTTP/1.1"),
        (f"/login/?next=%2Fp%2F{TOKEN}", "/login/?next=%2Fp%2F[redacted]"),
        ("/plan/ /packages/x/", "/plan/ /packages/x/"),
        # Characters of the token percent-encoded: the request line is logged as sent.
        (f"GET /s/%5F{TOKEN[1:]}/ HTTP/1.1", "GET /s/[redacted]/ HTTP/1.1"),
        (f"GET /s/{TOKEN[:5]}%2d{TOKEN[5:]}/ HTTP/1.1", "GET /s/[redacted]/ HTTP/1.1"),
        # A path Django could not resolve, quoted without its slash inside a traceback.
        (f"Resolver404: {{'path': 's/{TOKEN}/x/'}}", "Resolver404: {'path': 's/[redacted]/x/'}"),
        ("GET /svar/ HTTP/1.1 200 153ms its/ups", "GET /svar/ HTTP/1.1 200 153ms its/ups"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_the_filter_redacts_the_message_and_drops_a_request_whose_referrer_has_a_token():
    request = RequestFactory().get("/klynger/", HTTP_REFERER=f"https://klyngepakke.dk/s/{TOKEN}/")
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Fejl: %s", (f"/s/{TOKEN}/",), None)
    record.request = request
    assert RedactSurveyTokens().filter(record)
    assert record.getMessage() == "Fejl: /s/[redacted]/"
    assert record.request is None


@pytest.mark.django_db
def test_a_server_error_on_a_survey_link_e_mails_admins_without_the_token(settings):
    settings.ADMINS = [("Drift", "drift@example.dk")]
    factories.shipped_catalogue()
    round_ = factories.open_survey_round(factories.survey_cluster(members=3, solo=0))
    token = factories.issue_link(round_.invitations.first())
    # A real fault: the cache table the survey link's throttle reads is gone.
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE klyngepakke_cache")
    response = Client(raise_request_exception=False).get(f"/s/{token}/?igen=/s/{token}/")
    assert response.status_code == 500
    [email] = mail.outbox
    assert email.to == ["drift@example.dk"]
    assert "/s/[redacted]/" in email.subject
    text = email.subject + email.body + "".join(str(content) for content, _ in email.alternatives)
    assert token not in text


def test_a_traceback_that_quotes_a_survey_link_is_logged_and_e_mailed_without_the_token(settings):
    """An exception's message can quote the path: a Resolver404 (a link with something
    after the token) says `'path': 's/<token>/x/'`, and it is in the traceback of every
    500 raised while the 404 page renders (gunicorn's error log showed it on a deployment
    that had skipped collectstatic). Logged through the configured django.request logger:
    its console handler and the e-mail to ADMINS."""
    settings.ADMINS = [("Drift", "drift@example.dk")]
    path = f"/s/{TOKEN}/x/"
    logger = logging.getLogger("django.request")
    [console] = [h for h in logger.handlers if type(h) is logging.StreamHandler]
    written = io.StringIO()
    stream = console.setStream(written)
    try:
        try:
            resolve(path)
        except Resolver404:
            logger.error("Internal Server Error: %s", path, exc_info=True, extra={"status_code": 500})
    finally:
        console.setStream(stream)
    logged = written.getvalue()
    assert "Resolver404" in logged  # the traceback was written ...
    assert "'path': 's/[redacted]/x/'" in logged
    assert TOKEN not in logged  # ... without the token
    [email] = mail.outbox
    assert "Resolver404" in email.body
    assert TOKEN not in email.subject + email.body
