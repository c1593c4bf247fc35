"""Fixtures for the notifications: a cluster with a coordinator, a consultant, and
helpers to read what was queued and what arrived at the loopback SMTP server."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

import pytest

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import process_outbox
from tests import factories

MONTHS = ["jan.", "feb.", "marts", "april", "maj", "juni", "juli", "aug.", "sept.", "okt.", "nov.", "dec."]


DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]


def danish(day: date, *, weekday: bool = False) -> str:
    """A date as Danish writes it: "22. okt. 2026" ("torsdag 22. okt. 2026")."""
    written = f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]} {written}" if weekday else written


def queued(kind: str) -> list[str]:
    """The addresses a notification kind was queued to, sorted."""
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("to", flat=True))


def delivered(smtp_server, kind_subject_start: str, count: int = 1) -> list[EmailMessage]:
    """Send the outbox and return the delivered e-mails whose subject starts so."""
    report = process_outbox()
    assert not report.errors, report.errors
    messages = smtp_server.mailbox.wait_for(count)
    return [m for m in messages if subject(m).startswith(kind_subject_start)]


def flat(text: str) -> str:
    """The text with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def subject(message: EmailMessage) -> str:
    # A long encoded subject is folded onto a continuation line; the parser keeps the
    # fold's leading space.
    return str(message["Subject"]).strip()


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


@pytest.fixture
def cluster(catalogue):
    return factories.survey_cluster(members=8, solo=2)


@pytest.fixture
def coordinator(cluster):
    return factories.coordinator(cluster)


@pytest.fixture
def consultant(db):
    return factories.user(staff=True)


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://klyngepakke.example"
    return settings.SITE_URL
