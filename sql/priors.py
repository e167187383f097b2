"""Scheduled rule of earlier applications: one not recognized by the day its program says
(an event's start) lapses."""

from __future__ import annotations

import datetime as dt

import asyncpg

from sql.applications import SYSTEM, record_transition
from sql.queries import Q


async def lapse_due(pool: asyncpg.Pool, today: dt.date, at: dt.datetime) -> int:
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
                comment="到期前未获认定,申请失效。/ Not recognized in time; it has lapsed.",
            )
    return len(rows)
