"""Rows that have served their time: answered idempotency keys, sign-ins never finished and
rate-limit counts that refuse nothing any more. Deleted by the worker's hourly job."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from sql.idempotency import purge_expired
from sql.pool import transaction
from sql.queries import Q

# Longer than any throttle's window (domain.people, domain.accounts): a count this old is spent.
THROTTLE_KEEP = timedelta(days=1)


def _count(status: str) -> int:
    return int(status.split()[-1])


async def purge(pool: asyncpg.Pool, now: datetime) -> int:
    """Delete what has expired by `now`; returns how many rows went."""
    async with transaction(pool) as conn:
        gone = await purge_expired(conn, now)
        gone += _count(await conn.execute(Q.purge_oidc_logins, now))
        gone += _count(await conn.execute(Q.throttle_purge, now - THROTTLE_KEEP, now))
    return gone
