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


async def admit(
    conn: asyncpg.Connection, key: str, rule: ThrottleRule, now: dt.datetime
) -> dt.datetime | None:
    """Count one request on `key` and say whether it may go on: None, or the time it is refused
    until. The count is taken first and its row stays locked to the end of the transaction, so
    requests sent at once queue on it and the one past the limit is refused; a refused request's
    count goes with its transaction when the caller raises."""
    until = await locked_until(conn, [key], now)
    if until is not None:
        return until
    hits, until = await _hit(conn, key, rule, now)
    return until if hits > rule.max_hits else None


async def _hit(
    conn: asyncpg.Connection, key: str, rule: ThrottleRule, now: dt.datetime
) -> tuple[int, dt.datetime | None]:
    row = await conn.fetchrow(
        Q.throttle_hit,
        key,
        now,
        rule.window.total_seconds(),
        rule.max_hits,
        rule.lockout.total_seconds(),
    )
    return row["hits"], row["locked_until"]


async def forgive(conn: asyncpg.Connection, key: str, rule: ThrottleRule) -> None:
    """Take back one hit admitted on `key` (a try that proved right), and the lock it alone
    brought about."""
    await conn.execute(Q.throttle_forgive, key, rule.max_hits)


async def reset(conn: asyncpg.Connection, key: str) -> None:
    await conn.execute(Q.throttle_reset, key)


def seconds_left(until: dt.datetime, now: dt.datetime) -> int:
    """For Retry-After: whole seconds, at least one."""
    return max(1, math.ceil((until - now).total_seconds()))
