"""The working-day calendar as the domain needs it, read from `calendar_days`."""

from __future__ import annotations

import asyncpg

from domain.calendar import WorkCalendar
from sql.queries import Q


async def load_calendar(conn: asyncpg.Connection | asyncpg.Pool) -> WorkCalendar:
    # A few hundred rows: read whole, each time, so an admin's edit applies at once everywhere.
    rows = await conn.fetch(Q.calendar_all)
    return WorkCalendar.from_days((r["day"], r["kind"]) for r in rows)
