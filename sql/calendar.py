"""The working-day calendar as the domain needs it, read from `calendar_days`."""

from __future__ import annotations

import time

import asyncpg

from domain.calendar import WorkCalendar
from sql.queries import Q


async def load_calendar(conn: asyncpg.Connection | asyncpg.Pool) -> WorkCalendar:
    # A few hundred rows: read whole, each time, so an admin's edit applies at once everywhere.
    rows = await conn.fetch(Q.calendar_all)
    return WorkCalendar.from_days((r["day"], r["kind"]) for r in rows)


_RECENT_SECONDS = 30.0
# With the pool it was read through: a process serving (or testing) another database reads again.
_recent: tuple[asyncpg.Pool, float, WorkCalendar] | None = None


async def recent_calendar(pool: asyncpg.Pool) -> WorkCalendar:
    """The calendar as read at most 30 s ago by this process, for figures a page shows on every
    request (the work queue's ages). Rules that decide (deadlines, publicity periods) read
    `load_calendar`; an edit forgets this copy in its own process (`forget_recent_calendar`)."""
    global _recent
    now = time.monotonic()
    if _recent is None or _recent[0] is not pool or now - _recent[1] > _RECENT_SECONDS:
        _recent = (pool, now, await load_calendar(pool))
    return _recent[2]


def forget_recent_calendar() -> None:
    global _recent
    _recent = None
