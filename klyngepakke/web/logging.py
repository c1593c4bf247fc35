"""Log filters that keep survey link tokens out of every log line.

Used by Django's loggers (settings.LOGGING) and by gunicorn's access and error logs
(deploy/gunicorn.conf.py), so a token never reaches a log file or an error e-mail.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.utils.log import AdminEmailHandler

# /s/<token>/ (a survey link, surveys/urls.py) and /p/<token>/ (a practice plan link,
# cycle/urls.py) are the only URLs that ever carry a token. They can also appear
# percent-encoded (/s%2F..., %2Fs%2F...) inside a query string or a referrer, with
# characters of the token itself percent-encoded (/s/%5F_x...: the request line is logged
# as sent), and without the leading slash where Django quotes a path it could not
# resolve (`'path': 's/<token>/x/'` in a Resolver404 inside a traceback).
_TOKEN_PATH = re.compile(r"(/|%2F|^|(?<=[\s'\"(]))([sp])(/|%2F)(?:[^/\s\"'?&#%]|%(?!2F)[0-9A-F]{2})+", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with every survey or plan link token replaced by [redacted]."""
    return _TOKEN_PATH.sub(r"\1\2\3[redacted]", text)


_TRACEBACKS = logging.Formatter()


class RedactSurveyTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        if record.exc_info and not record.exc_text:
            # The traceback is text too: an exception's message can quote the path (a
            # Resolver404 behind a failing 404 page). Formatters print exc_text when set.
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        request = getattr(record, "request", None)
        if request is not None and _mentions_a_token(request):
            # The admin e-mail handler prints the request (path, headers); give it none.
            record.request = None
        return True


def _mentions_a_token(request: object) -> bool:
    get_full_path = getattr(request, "get_full_path", None)
    full_path = get_full_path() if callable(get_full_path) else str(getattr(request, "path", ""))
    referrer = str(getattr(request, "META", {}).get("HTTP_REFERER", ""))
    return any(redact(text) != text for text in (full_path, referrer))


class RedactingAdminEmailHandler(AdminEmailHandler):
    """Django's error e-mail to ADMINS with tokens redacted from the whole message.

    The e-mail's body is not the log record: Django's exception reporter writes it from
    the exception itself (type, message, frames), and an exception's message can quote
    the path (a Resolver404 behind a failing 404 page), which the record filter above
    cannot reach.
    """

    def send_mail(self, subject: str, message: str, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("html_message"):
            kwargs["html_message"] = redact(kwargs["html_message"])
        super().send_mail(redact(subject), redact(message), *args, **kwargs)
