"""Scheduled rule of event support: a filing not recognized by its start date lapses."""

from __future__ import annotations

import datetime as dt

import asyncpg

from sql.applications import SYSTEM, record_transition
from sql.queries import Q


async def lapse_due_filings(pool: asyncpg.Pool, today: dt.date, at: dt.datetime) -> int:
    """Safe to run twice and on two workers at once: rows are taken with SKIP LOCKED."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(Q.filings_due_to_lapse, today)
        for row in rows:
            await record_transition(
                conn,
                row,
                action="lapse",
                to_status="lapsed",
                actor=SYSTEM,
                at=at,
                comment="活动开始前未获认定,备案失效。/ Not recognized before the event started.",
            )
    return len(rows)
