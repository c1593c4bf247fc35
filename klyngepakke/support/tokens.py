"""Survey link tokens: 192 random bits from `secrets`, stored only as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 24


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store for it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", errors="replace")).hexdigest()


def looks_like_token(value: str) -> bool:
    # token_urlsafe(24) gives 32 URL-safe characters; reject anything else cheaply.
    return len(value) == 32 and all(c.isalnum() or c in "-_" for c in value)
