"""Saved partial answers (for resume), sealed with a key only the respondent's link gives.

The server stores only the SHA-256 of a link token (tokens.py), so a key derived from
the raw token with HKDF (a different function, with its own label) cannot be computed
from anything in the database. Drafts are sealed with AES-256-GCM under that key, bound
to their invitation (associated data), so a stored draft is unreadable without the link
and cannot be opened with another invitation's link or moved to another invitation's
row. The key lives only in the respondent's browser session (a cookie without expiry,
see respondent_views), never in the database.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION = b"\x01"
INFO = b"klyngepakke draft key v1"


def key_for_token(token: str) -> bytes:
    """The draft key of an e-mailed link token."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=INFO).derive(token.encode("ascii"))


def seal(key: bytes, invitation_id: int, answers: dict[str, Any]) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(answers, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plain, _bound_to(invitation_id))


def open_sealed(key: bytes, invitation_id: int, sealed: bytes) -> dict[str, Any] | None:
    """The answers, or None when this key (link) or invitation did not seal them."""
    if len(sealed) <= 1 + NONCE_BYTES or sealed[:1] != VERSION:
        return None
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        plain = AESGCM(key).decrypt(nonce, body, _bound_to(invitation_id))
    except InvalidTag:
        return None
    answers = json.loads(plain)
    return answers if isinstance(answers, dict) else None


def _bound_to(invitation_id: int) -> bytes:
    return f"invitation:{invitation_id}".encode("ascii")


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(value: str | None) -> bytes | None:
    """A key from its cookie value, or None if absent or malformed."""
    if not value:
        return None
    try:
        key = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    return key if len(key) == KEY_BYTES else None
