"""Closing publicity: awards whose period ended with no upheld objection become confirmed.

Run by the scheduler and, for one application, by finance at payment; safe to run twice and on
two workers at once (batches are taken with SKIP LOCKED, transitions check the status).
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from sql.applications import SYSTEM, record_transition
from sql.queries import Q


async def confirm(conn: asyncpg.Connection, row: asyncpg.Record, at: dt.datetime) -> None:
    await record_transition(conn, row, action="confirm", to_status="confirmed", actor=SYSTEM, at=at)


async def close_due_batches(pool: asyncpg.Pool, today: dt.date, at: dt.datetime) -> int:
    confirmed = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            batch = await conn.fetchrow(Q.batches_due, today)
            if batch is None:
                return confirmed
            for row in await conn.fetch(Q.batch_applications_publicized, batch["id"]):
                await confirm(conn, row, at)
                confirmed += 1
            await conn.execute(Q.close_batch, batch["id"], at)
