"""The duties log one `key=value` line per event, with nothing about a person: no
address, no name, no token, no answer, not even in an exception's message."""

from __future__ import annotations

import logging
import re

import pytest

from klyngepakke.registry.models import Member
from klyngepakke.support.logs import format_event
from klyngepakke.tasks import duties
from tests import factories
from tests.smtp import free_port

from .helpers import broken_closed_round, due_round

pytestmark = pytest.mark.django_db

LINE = re.compile(r'^event=[a-z_]+( [a-z_]+=([A-Za-z0-9_.:/@+-]+|"[^"]*"))*$')


def test_format():
    assert format_event("duty_done", duty="close_due_rounds", count=2, seconds=0.01234) == (
        "event=duty_done duty=close_due_rounds count=2 seconds=0.012"
    )
    assert format_event("x", note='two words "quoted"') == 'event=x note="two words \\"quoted\\""'
    assert format_event("x", empty="") == 'event=x empty=""'


def test_a_pass_with_mail_and_failures_logs_no_personal_data(catalogue, settings, caplog):
    settings.SITE_URL = "http://testserver"
    due_round()
    factories.open_survey_round(factories.survey_cluster(members=3, solo=1))
    broken_closed_round()
    with caplog.at_level(logging.DEBUG, logger="klyngepakke.tasks"):
        # A mail backend that cannot load: the duty fails.
        settings.EMAIL_BACKEND = "klyngepakke.no_such_module.EmailBackend"
        duties.run_all()
        # A mail server that refuses connections: the outbox records each message's failure.
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
        duties.run_all()

    lines = [r.getMessage() for r in caplog.records if r.name == "klyngepakke.tasks"]
    assert any(line.startswith("event=item_failed duty=build_missing_materials") for line in lines)
    assert any(line.startswith("event=duty_failed duty=process_outbox") for line in lines)
    assert any(line.startswith("event=duty_done duty=close_due_rounds") for line in lines)
    assert any(line.startswith("event=duty_done duty=process_outbox") and "retrying=3" in line for line in lines)
    for line in lines:
        assert LINE.match(line), line
    personal = [value for m in Member.objects.all() for value in (m.email, m.name)]
    assert personal
    for line in lines:
        assert not any(value in line for value in personal), line
        assert "no_such_module" not in line  # exception messages are left out
