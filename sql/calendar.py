"""The working-day calendar as the domain needs it, read from `calendar_days`."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import asyncpg

from domain.calendar import WorkCalendar
from sql.queries import Q


async def load_calendar(conn: asyncpg.Connection | asyncpg.Pool) -> WorkCalendar:
    # A few hundred rows: read whole, each time, so an admin's edit applies at once everywhere.
    rows = await conn.fetch(Q.calendar_all)
    return WorkCalendar.from_days((r["day"], r["kind"]) for r in rows)


_RECENT_SECONDS = 30.0
# (read at, the calendar, working days between pairs of dates counted with it)
_recent: tuple[float, WorkCalendar, dict[tuple[dt.date, dt.date], int]] | None = None


async def recent_days_since(pool: asyncpg.Pool) -> Callable[[dt.date, dt.date], int]:
    """Working days after a date up to today, by the calendar as read at most 30 s ago in this
    process: for figures a page shows (the work queue's ages), counted once per pair of dates.
    Rules that decide (deadlines, publicity periods) read `load_calendar`, so an admin's edit
    applies to them at once."""
    global _recent
    now = time.monotonic()
    if _recent is None or now - _recent[0] > _RECENT_SECONDS:
        _recent = (now, await load_calendar(pool), {})
    _, calendar, counted = _recent

    def days(since: dt.date, today: dt.date) -> int:
        found = counted.get((since, today))
        if found is None:
            if len(counted) > 100_000:
                counted.clear()
            found = counted[since, today] = calendar.working_days_between(since, today)
        return found

    return days


async def recent_calendar(pool: asyncpg.Pool) -> WorkCalendar:
    """The calendar `recent_days_since` counts with (the overdue filter's cut-offs)."""
    await recent_days_since(pool)
    assert _recent is not None
    return _recent[1]
