"""Opaque bearer tokens: 256 random bits handed out once; only their sha256 is stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, bytes]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def bearer_from_header(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return token
