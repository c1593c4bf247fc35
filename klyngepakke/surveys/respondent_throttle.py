"""Limits how many bad survey links one client may try, against token guessing."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

LIMIT = 20
WINDOW_SECONDS = 15 * 60


def _key(address: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:survey-link:{address}".encode()).hexdigest()
    return f"survey-link-fail:{digest[:32]}"


def is_blocked(address: str) -> bool:
    return (cache.get(_key(address)) or 0) >= LIMIT


def record_bad_link(address: str) -> None:
    key = _key(address)
    if not cache.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=WINDOW_SECONDS)
