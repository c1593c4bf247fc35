"""Log filters that keep survey link tokens out of every log line."""

from __future__ import annotations

import logging
import re

# /s/<token>/ is the only URL that ever carries a token (see surveys/urls.py).
_TOKEN_PATH = re.compile(r"/s/[^/\s\"'?]+")


class RedactSurveyTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/s/" in message:
            record.msg = _TOKEN_PATH.sub("/s/[redacted]", message)
            record.args = ()
        request = getattr(record, "request", None)
        if request is not None and "/s/" in getattr(request, "path", ""):
            # The admin e-mail handler prints the request; give it a redacted copy.
            record.request = None
        return True
