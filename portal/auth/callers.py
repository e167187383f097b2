"""Signed-in callers by bearer token, kept for up to a minute in each process.

A cached caller is never trusted on its own. Only routes marked `CHECKED_IN_STATEMENT` take one,
and there the route's own statement (today: a draft's write, and a page of the staff work queue)
checks the token again, in that statement's snapshot. An answer the statement did not vouch for
waits for a read of the token, and for the route's guards passing on the caller as stored now
(`portal.auth.middleware`). So a revoked or expired token, or a caller who lost what the route
requires, stops working at once, as without the cache. What the cache saves is the read's round
trip on the portal's busiest write and its busiest staff read (~175 µs of CPU a draft, in process).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.auth.principal import Principal

# The route option that says: this handler's statement checks a cached caller's token itself.
CHECKED_IN_STATEMENT = "token_checked_in_statement"


class CallerCache:
    """Principals by token digest; bounded, oldest first out (why not a library: ~20 lines)."""

    def __init__(self, ttl: timedelta = timedelta(seconds=60), size: int = 10_000) -> None:
        self._ttl = ttl
        self._size = size
        self._entries: dict[bytes, tuple[Principal, datetime]] = {}

    def get(self, digest: bytes, now: datetime) -> Principal | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        principal, until = entry
        if now >= until:
            del self._entries[digest]
            return None
        return principal

    def put(self, digest: bytes, principal: Principal, expires: datetime, now: datetime) -> None:
        """Keep `principal` until its token expires, or for the cache's time if sooner."""
        self._entries.pop(digest, None)
        while len(self._entries) >= self._size:
            del self._entries[next(iter(self._entries))]
        self._entries[digest] = (principal, min(now + self._ttl, expires))

    def evict(self, digest: bytes) -> None:
        self._entries.pop(digest, None)

    def __len__(self) -> int:
        return len(self._entries)
