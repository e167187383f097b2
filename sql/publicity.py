"""Closing publicity: awards whose period ended with no open objection become confirmed.

Run by the scheduler, and for one application when finance pays it or its last open objection
is dismissed; safe to run twice and on two workers at once (batches are taken with SKIP LOCKED,
transitions check the status). An award an open objection holds stays in publicity after its
batch closes, until the objection is resolved.
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from domain.objections import confirms_now
from domain.publicity import period_over
from sql.applications import SYSTEM, record_transition
from sql.queries import Q


async def confirm(conn: asyncpg.Connection, row: asyncpg.Record, at: dt.datetime) -> None:
    await record_transition(conn, row, action="confirm", to_status="confirmed", actor=SYSTEM, at=at)


async def confirm_if_due(
    conn: asyncpg.Connection, row: asyncpg.Record, today: dt.date, at: dt.datetime
) -> bool:
    """Confirm this locked application now if its period is over and nothing holds it."""
    if row["status"] != "publicized":
        return False
    period = await conn.fetchrow(Q.latest_publicity_of, row["id"])
    over = period is not None and period_over(period["ends_on"], today)
    if not confirms_now(
        open_left=await conn.fetchval(Q.open_objections, row["id"]),
        period_over=over,
        publicized=True,
    ):
        return False
    await confirm(conn, row, at)
    return True


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
