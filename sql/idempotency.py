"""Idempotency-Key records: claim, take over, complete, release and purge.

Each call is one statement, so each is its own short transaction: nothing is held open while the
request itself runs. `created_at` doubles as the claim's identity, which guards every later write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from sql.queries import Q

KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class StoredKey:
    request_hash: bytes
    created_at: datetime
    completed_at: datetime | None
    status_code: int | None
    content_type: str | None
    body: bytes | None


async def claim(
    conn: asyncpg.Connection, scope: str, key: str, request_hash: bytes, now: datetime
) -> bool:
    """True when this request now holds the key and must run."""
    return await conn.fetchval(Q.idempotency_claim, scope, key, request_hash, now) is not None


async def get(conn: asyncpg.Connection, scope: str, key: str) -> StoredKey | None:
    row = await conn.fetchrow(Q.idempotency_get, scope, key)
    return None if row is None else StoredKey(**dict(row))


async def take_over(
    conn: asyncpg.Connection, scope: str, key: str, seen_created_at: datetime, now: datetime
) -> bool:
    """Claim an unfinished key whose holder is presumed dead; True for exactly one taker."""
    took = await conn.fetchval(Q.idempotency_take_over, scope, key, seen_created_at, now)
    return took is not None


async def complete(
    conn: asyncpg.Connection,
    scope: str,
    key: str,
    claimed_at: datetime,
    now: datetime,
    *,
    status_code: int,
    content_type: str | None,
    body: bytes,
) -> bool:
    """Store the response to replay; False when our claim was taken over meanwhile."""
    done = await conn.fetchval(
        Q.idempotency_complete, scope, key, claimed_at, now, status_code, content_type, body
    )
    return done is not None


async def release(conn: asyncpg.Connection, scope: str, key: str, claimed_at: datetime) -> None:
    await conn.execute(Q.idempotency_release, scope, key, claimed_at)


async def purge_expired(conn: asyncpg.Connection | asyncpg.Pool, now: datetime) -> int:
    """Delete keys created more than 24 hours before `now`; returns how many went."""
    status: str = await conn.execute(Q.idempotency_purge, now - KEEP_FOR)
    return int(status.split()[-1])
