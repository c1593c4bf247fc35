"""Failure throttling for logins and survey links, kept in the shared cache so every
worker sees it. One implementation: `FixedWindowThrottle`.

Failures are counted per key (a username, a client address) in a fixed window that
starts at the first failure and does not move on later ones. Keys are hashes, so the
cache holds neither usernames nor addresses in clear. The client address is the one the
nearest trusted proxy saw (`client_address`), never a header the client wrote itself.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def now() -> float:
    """The throttle's clock (tests replace it to move through a window without sleeping)."""
    return time.time()


def client_address(request: HttpRequest | None) -> str:
    """The address of the client, as seen by the nearest trusted proxy.

    Behind a reverse proxy REMOTE_ADDR is the proxy itself, which would put every user
    into one throttle bucket. With TRUSTED_PROXY_COUNT proxies in front, the client is the
    address that the outermost trusted proxy appended to X-Forwarded-For; entries left of
    it are written by the client and cannot be trusted.
    """
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


class FixedWindowThrottle:
    """At most `limit` failures per key in `window` seconds from the key's first failure.

    The entry carries its own end of window: cache.incr() on some backends (the database
    cache among them) resets the timeout, which would make the window slide. Read-then-
    write is not atomic; under parallel guessing a few extra failures may slip through,
    which the limits tolerate. `limit` and `window` may be callables, read at each call
    (settings can change under tests and per deployment).
    """

    def __init__(self, kind: str, limit: int | Callable[[], int], window: int | Callable[[], int]) -> None:
        self.kind = kind
        self._limit = limit
        self._window = window

    @property
    def limit(self) -> int:
        return self._limit() if callable(self._limit) else self._limit

    @property
    def window(self) -> int:
        return self._window() if callable(self._window) else self._window

    def key(self, value: str) -> str:
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{self.kind}:{value.lower()}".encode()).hexdigest()
        return f"throttle:{self.kind}:{digest[:32]}"

    def is_blocked(self, value: str) -> bool:
        count, until = cache.get(self.key(value), (0, 0.0))
        return bool(until > now() and count >= self.limit)

    def record(self, value: str) -> None:
        key, moment = self.key(value), now()
        count, until = cache.get(key, (0, 0.0))
        if until <= moment:
            count, until = 0, moment + self.window
        cache.set(key, (count + 1, until), timeout=max(1, int(until - moment) + 1))

    def clear(self, value: str) -> None:
        cache.delete(self.key(value))


LOGIN_USERS = FixedWindowThrottle(
    "login-user", lambda: settings.LOGIN_FAILURE_LIMIT, lambda: settings.LOGIN_FAILURE_WINDOW_SECONDS
)
LOGIN_ADDRESSES = FixedWindowThrottle(
    "login-addr", lambda: settings.LOGIN_ADDRESS_FAILURE_LIMIT, lambda: settings.LOGIN_FAILURE_WINDOW_SECONDS
)


def is_locked(username: str, address: str) -> bool:
    return LOGIN_USERS.is_blocked(username) or LOGIN_ADDRESSES.is_blocked(address)


def record_failure(username: str, address: str) -> None:
    LOGIN_USERS.record(username)
    LOGIN_ADDRESSES.record(address)


def clear(username: str) -> None:
    """Forget a username's failures after a successful login.

    The address count stays: otherwise someone holding one valid account could reset it
    between guesses at other accounts.
    """
    LOGIN_USERS.clear(username)


# Password-reset requests: every request counts (not only failures, since a request
# cannot fail visibly without telling whether the address exists).
RESET_ADDRESSES_SENT_TO = FixedWindowThrottle(
    "reset-email", lambda: settings.LOGIN_FAILURE_LIMIT, lambda: settings.LOGIN_FAILURE_WINDOW_SECONDS
)
RESET_CLIENTS = FixedWindowThrottle(
    "reset-addr", lambda: settings.LOGIN_ADDRESS_FAILURE_LIMIT, lambda: settings.LOGIN_FAILURE_WINDOW_SECONDS
)


def reset_is_locked(email: str, address: str) -> bool:
    return RESET_ADDRESSES_SENT_TO.is_blocked(email) or RESET_CLIENTS.is_blocked(address)


def record_reset_request(email: str, address: str) -> None:
    RESET_ADDRESSES_SENT_TO.record(email)
    RESET_CLIENTS.record(address)
