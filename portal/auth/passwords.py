"""argon2id with the library's RFC 9106 defaults, run off the event loop."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Stored for an account whose password was ended: no password verifies against it.
NO_PASSWORD = "!"  # noqa: S105 (a marker, not a secret)

# argon2id, t=3, m=64 MiB, p=4 (RFC 9106 low-memory profile): every environment but the tests'.
STRONG = PasswordHasher()
# The test environment's: the same argon2id at its least cost, so that a suite signing people in
# thousands of times does not spend minutes hashing. Only `env == "test"` selects it.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_hasher = STRONG


def use_profile_for(env: str) -> None:
    """Hash at the cost `env` calls for (the app and the CLI call this with their settings)."""
    global _hasher
    hasher = _CHEAP if env == "test" else STRONG
    if hasher is not _hasher:
        _hasher = hasher
        _dummy_hash.cache_clear()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the e-mail is unknown, so both failures take the same time.
    return _hasher.hash("not-a-real-password")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(stored: str | None, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(stored or _dummy_hash(), password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
