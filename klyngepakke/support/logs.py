"""Structured log lines for the duties: one `key=value` line per event.

Only duty names, item ids (rounds), counts, durations and exception class names are
ever logged: never an address, a token, a name or an answer. Exception messages are
left out on purpose, since an SMTP or database error can quote an address.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger("klyngepakke.tasks")

_PLAIN = re.compile(r"^[A-Za-z0-9_.:/@+-]*$")


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    text = str(value)
    return text if text and _PLAIN.match(text) else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_event(event: str, **fields: object) -> str:
    return " ".join([f"event={_value(event)}", *(f"{key}={_value(value)}" for key, value in fields.items())])


def log_event(event: str, *, level: int = logging.INFO, **fields: object) -> None:
    logger.log(level, format_event(event, **fields))
