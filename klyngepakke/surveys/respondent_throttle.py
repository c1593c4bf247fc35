"""Limits how many bad survey links one client may try, against token guessing.

The same fixed-window throttle as the login (`accounts.throttle`), keyed by the client
address the nearest trusted proxy saw: behind the production proxy REMOTE_ADDR is the
proxy, and counting that would lock every doctor out after anyone's 20 bad links.
"""

from __future__ import annotations

from django.http import HttpRequest

from klyngepakke.accounts.throttle import FixedWindowThrottle, client_address

LIMIT = 20
WINDOW_SECONDS = 15 * 60

BAD_LINKS = FixedWindowThrottle("survey-link", LIMIT, WINDOW_SECONDS)


def is_blocked(request: HttpRequest) -> bool:
    return BAD_LINKS.is_blocked(client_address(request))


def record_bad_link(request: HttpRequest) -> None:
    BAD_LINKS.record(client_address(request))
