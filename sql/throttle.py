"""Rate limits kept in PostgreSQL, so every portal process counts the same hits."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import asyncpg

from domain.throttle import ThrottleRule
from sql.queries import Q


async def locked_until(
    conn: asyncpg.Connection | asyncpg.Pool, keys: Sequence[str], now: dt.datetime
) -> dt.datetime | None:
    """The latest time until which any of these keys is refused, or None."""
    until: dt.datetime | None = await conn.fetchval(Q.throttle_locked, list(keys), now)
    return until


async def hit(
    conn: asyncpg.Connection, key: str, rule: ThrottleRule, now: dt.datetime
) -> dt.datetime | None:
    """Count one hit on `key`; returns the time it is refused until, if this hit locked it."""
    row = await conn.fetchrow(
        Q.throttle_hit,
        key,
        now,
        rule.window.total_seconds(),
        rule.max_hits,
        rule.lockout.total_seconds(),
    )
    until: dt.datetime | None = row["locked_until"]
    return until


async def reset(conn: asyncpg.Connection, key: str) -> None:
    await conn.execute(Q.throttle_reset, key)


def seconds_left(until: dt.datetime, now: dt.datetime) -> int:
    """For Retry-After: whole seconds, at least one."""
    return max(1, math.ceil((until - now).total_seconds()))
