"""The notification kinds: each one template set and one entry here.

A kind says which object it is about (an order or a round), who receives it, how its
template context is made and, in words, when it is sent. Its templates live under
`templates/notifications/<name>/`: `subject.txt`, `body.txt` and `body.html` (which
extends `notifications/base.html`). The kind's name is also the outbox message kind.

To add a notification: write the three templates, register a `Kind` in `kinds.py`,
and call `services.notify(name, obj)` where it happens (or from a duty in
`tasks/duties.py` for a time-based one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.db import models


class Audience(Enum):
    STAFF = "staff"  # the consultants: NOTIFY_STAFF_EMAILS, else active staff users
    COORDINATORS = "coordinators"  # the active coordinators of the object's cluster


# The template context of one notification: made from its object and the message's
# payload, in the recipient's language. Raises outbox.services.NotRendered when the
# notification no longer fits (the round reopened, the meeting moved).
Context = Callable[[Any, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    name: str
    audience: Audience
    model: type[models.Model]
    # The payload's key for the object's id ("order", "round").
    payload_key: str
    context: Context
    # Where the cluster of an object is: a function from the object to its cluster id.
    cluster_id: Callable[[Any], int]
    when: str


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in KINDS:
        raise ValueError(f"notification kind {kind.name!r} registered twice")
    KINDS[kind.name] = kind
    return kind


def kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"no notification kind {name!r}") from None
