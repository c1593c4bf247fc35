"""Failed-login throttling, kept in the shared cache so every worker sees it.

Failures are counted per username and per client address, each in a fixed window that
starts at the first failure. Keys are hashes, so the cache holds neither usernames nor
addresses in clear.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


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


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{value.lower()}".encode()).hexdigest()
    return f"login-fail:{kind}:{digest[:32]}"


def _limits(username: str, address: str) -> dict[str, int]:
    return {
        _key("user", username): settings.LOGIN_FAILURE_LIMIT,
        _key("addr", address): settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    }


def is_locked(username: str, address: str) -> bool:
    limits = _limits(username, address)
    now = time.time()
    entries = cache.get_many(list(limits))
    return any(until > now and count >= limits[key] for key, (count, until) in entries.items())


def record_failure(username: str, address: str) -> None:
    # The entry carries its own end of window: cache.incr() on some backends (the
    # database cache among them) resets the timeout, which would make the window slide.
    # Read-then-write is not atomic; under parallel guessing a few extra failures may slip
    # through, which the limits tolerate.
    now = time.time()
    for key in _limits(username, address):
        count, until = cache.get(key, (0, 0.0))
        if until <= now:
            count, until = 0, now + settings.LOGIN_FAILURE_WINDOW_SECONDS
        cache.set(key, (count + 1, until), timeout=max(1, int(until - now) + 1))


def clear(username: str) -> None:
    """Forget a username's failures after a successful login.

    The address count stays: otherwise someone holding one valid account could reset it
    between guesses at other accounts.
    """
    cache.delete(_key("user", username))
