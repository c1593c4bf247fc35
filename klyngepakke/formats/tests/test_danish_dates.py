"""Dates and times as Danish writes them, from one format module, in every template."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from klyngepakke.formats import danish_date, danish_datetime, danish_time

MONTHS = ["jan.", "feb.", "marts", "april", "maj", "juni", "juli", "aug.", "sept.", "okt.", "nov.", "dec."]


def render(source: str, **context: object) -> str:
    with translation.override("da"):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(("month", "name"), list(enumerate(MONTHS, start=1)))
def test_dates_use_the_danish_month_abbreviations(month, name):
    assert render("{{ d|date }}", d=date(2026, month, 22)) == f"22. {name} 2026"


def test_a_summer_time_moment_is_shown_in_copenhagen_time():
    moment = datetime(2026, 10, 22, 13, 30, tzinfo=UTC)  # 15.30 in Copenhagen (CEST)
    assert render('{{ m|date:"DATETIME_FORMAT" }}', m=moment) == "22. okt. 2026 kl. 15.30"
    assert render("{{ m|time }}", m=moment) == "kl. 15.30"
    assert render("{{ m|date }}", m=moment) == "22. okt. 2026"


def test_a_winter_moment_and_midnight_in_copenhagen():
    assert render('{{ m|date:"DATETIME_FORMAT" }}', m=datetime(2026, 12, 1, 14, 5, tzinfo=UTC)) == (
        "1. dec. 2026 kl. 15.05"
    )
    # 23.30 UTC on the 31st is already the next day (and year) in Copenhagen.
    assert render("{{ m|date }}", m=datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1. jan. 2027"


def test_day_and_month_short_date_and_a_plain_time():
    assert render('{{ d|date:"MONTH_DAY_FORMAT" }}', d=date(2026, 5, 3)) == "3. maj"
    assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=date(2026, 5, 3)) == "03.05.2026"
    assert render("{{ t|time }}", t=time(9, 0)) == "kl. 09.00"


def test_python_code_gets_the_same_text():
    moment = datetime(2026, 10, 22, 13, 30, tzinfo=UTC)
    assert danish_date(moment) == "22. okt. 2026"
    assert danish_date(date(2026, 3, 1)) == "1. marts 2026"
    assert danish_datetime(moment) == "22. okt. 2026 kl. 15.30"
    assert danish_time(moment) == "kl. 15.30"
    with translation.override("en"):  # Danish text whatever language is active
        assert danish_date(moment) == "22. okt. 2026"


def test_english_pages_keep_english_formats():
    with translation.override("en"):
        assert Template("{{ d|date }}").render(Context({"d": date(2026, 10, 22)})) == "Oct. 22, 2026"


TEMPLATE_ROOT = Path(__file__).resolve().parents[2]
NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "MONTH_DAY_FORMAT", "SHORT_DATE_FORMAT"}
NAMED |= {"SHORT_DATETIME_FORMAT", "YEAR_MONTH_FORMAT"}
# The weekday's name alone ("torsdag"), written before a named date in e-mails about a
# day ("torsdag 22. okt. 2026"): it cannot disagree with the date formats.
NAMED |= {"l"}


def test_templates_and_emails_use_only_the_named_formats():
    """A format string written into a template is how "22. oktober" beside "22. okt."
    came about: templates name a format from the format module instead."""
    offenders = []
    templates = [p for p in TEMPLATE_ROOT.rglob("templates/**/*") if p.suffix in {".html", ".txt"}]
    assert len(templates) > 30  # the search finds the templates and e-mails
    for path in templates:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for fmt in re.findall(r"\|(?:date|time):\"([^\"]*)\"", line):
                if fmt not in NAMED:
                    offenders.append(f"{path.relative_to(TEMPLATE_ROOT)}:{number}: {fmt}")
    assert offenders == []
