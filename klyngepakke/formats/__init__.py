"""Danish date formats for Python code (messages, e-mail subjects), the same as the
templates get from klyngepakke/formats/da/formats.py."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone, translation


def _format(value: date | datetime, name: str) -> str:
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override("da"):
        return formats.date_format(value, name)


def danish_date(value: date | datetime) -> str:
    """'22. okt. 2026'."""
    return _format(value, "DATE_FORMAT")


def danish_datetime(value: datetime) -> str:
    """'22. okt. 2026 kl. 15.30', in Copenhagen time."""
    return _format(value, "DATETIME_FORMAT")


def danish_time(value: datetime) -> str:
    """'kl. 15.30', in Copenhagen time."""
    return _format(value, "TIME_FORMAT")
