"""The working-day calendar: read by everyone, edited by admins from the State Council notices."""

from __future__ import annotations

import datetime as dt

import asyncpg

from portal.auth.principal import Principal
from portal.calendar import schemas as s
from portal.errors import ProblemError
from sql import audit
from sql.calendar import forget_recent_calendar, load_calendar
from sql.pool import transaction
from sql.queries import Q


def _out(r: asyncpg.Record, language: str) -> s.DayOut:
    return s.DayOut(
        day=r["day"],
        kind=r["kind"],
        name=r["name_zh"] if language == "zh" else r["name_en"],
        name_zh=r["name_zh"],
        name_en=r["name_en"],
    )


async def year(pool: asyncpg.Pool, year: int, language: str) -> s.DayList:
    return s.DayList(year, [_out(r, language) for r in await pool.fetch(Q.calendar_year, year)])


async def working_days(pool: asyncpg.Pool, start: dt.date, days: int) -> s.WorkingDaysOut:
    calendar = await load_calendar(pool)
    return s.WorkingDaysOut(start, days, calendar.period_end(start, days))


async def put_day(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    day: dt.date,
    data: s.DayIn,
    language: str,
) -> s.DayOut:
    async with transaction(pool) as conn:
        row = await conn.fetchrow(
            Q.calendar_upsert, day, data.kind, data.name_zh.strip(), data.name_en.strip()
        )
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="calendar.day_set",
            entity_type="calendar",
            entity_id=day.isoformat(),
            data={"kind": data.kind, "name_zh": data.name_zh},
        )
    forget_recent_calendar()
    return _out(row, language)


async def delete_day(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, day: dt.date
) -> None:
    async with transaction(pool) as conn:
        row = await conn.fetchrow(Q.calendar_delete, day)
        if row is None:
            raise ProblemError(
                404, "not_found", f"{day} is an ordinary day already.", f"{day} 不在节假日表中。"
            )
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="calendar.day_removed",
            entity_type="calendar",
            entity_id=day.isoformat(),
            data={"kind": row["kind"], "name_zh": row["name_zh"]},
        )
    forget_recent_calendar()
