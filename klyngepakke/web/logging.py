"""Log filters that keep survey link tokens out of every log line.

Used by Django's loggers (settings.LOGGING) and by gunicorn's access and error logs
(deploy/gunicorn.conf.py), so a token never reaches a log file or an error e-mail.
"""

from __future__ import annotations

import logging
import re

# /s/<token>/ (a survey link, surveys/urls.py) and /p/<token>/ (a practice plan link,
# cycle/urls.py) are the only URLs that ever carry a token. They can also appear
# percent-encoded (/s%2F..., %2Fs%2F...) inside a query string or a referrer.
_TOKEN_PATH = re.compile(r"(/|%2F)([sp])(/|%2F)[^/\s\"'?&#%]+", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with every survey or plan link token replaced by [redacted]."""
    return _TOKEN_PATH.sub(r"\1\2\3[redacted]", text)


class RedactSurveyTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
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
