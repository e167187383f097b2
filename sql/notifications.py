"""A delivery's life in the database, which is its truth whatever Redis holds or loses.

pending → (claimed by its latest job) → sent | failed (retry scheduled) → … → dead. A dead letter
goes back to pending only through staff (`retry_dead_letter`); the workers' sweep then enqueues it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from sql.queries import Q

ERROR_MAX = 500  # characters of an error kept on the row: enough to diagnose, not a log file


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery a job now holds, with what to send."""

    id: int
    outbox_id: int
    channel: str
    address: str | None
    subject: str | None
    body: str | None
    attempts: int  # including this one


async def claim(
    conn: asyncpg.Connection | asyncpg.Pool,
    delivery_id: int,
    enqueue_no: int,
    *,
    now: datetime,
    lease_until: datetime,
) -> Claimed | None:
    """Take the row for this try; None when it is sent, dead, gone, or a newer job owns it."""
    row = await conn.fetchrow(Q.delivery_claim, delivery_id, enqueue_no, lease_until, now)
    if row is None:
        return None
    return Claimed(
        row["id"],
        row["outbox_id"],
        row["channel"],
        row["address"],
        row["subject"],
        row["body"],
        row["attempts"],
    )


async def wait_for_relay(conn: asyncpg.Connection | asyncpg.Pool, outbox_id: int) -> None:
    """Return once the relay transaction that made a delivery has committed or rolled back."""
    await conn.fetchval(Q.delivery_wait_for_relay, outbox_id)


async def mark_sent(
    conn: asyncpg.Connection | asyncpg.Pool, delivery_id: int, at: datetime
) -> None:
    await conn.execute(Q.delivery_sent, delivery_id, at)


async def mark_failed(
    conn: asyncpg.Connection | asyncpg.Pool,
    delivery_id: int,
    error: str,
    *,
    now: datetime,
    due_at: datetime,
) -> None:
    await conn.execute(Q.delivery_failed, delivery_id, error[:ERROR_MAX], due_at, now)


async def mark_dead(
    conn: asyncpg.Connection | asyncpg.Pool, delivery_id: int, error: str, at: datetime
) -> None:
    await conn.execute(Q.delivery_dead, delivery_id, error[:ERROR_MAX], at)


async def take_due(
    conn: asyncpg.Connection, *, now: datetime, lease_until: datetime, limit: int
) -> list[tuple[int, int, int]]:
    """Renumber rows whose job is lost or late: (delivery id, new job number, outbox id)."""
    rows = await conn.fetch(Q.deliveries_sweep, now, lease_until, limit)
    return [(r["id"], r["enqueues"], r["outbox_id"]) for r in rows]


async def retry_dead_letter(
    conn: asyncpg.Connection, delivery_id: int, now: datetime
) -> asyncpg.Record | None:
    """Send a dead letter back to pending with a fresh count of tries, and wake the workers."""
    row = await conn.fetchrow(Q.dead_letter_retry, delivery_id, now)
    if row is not None:
        await conn.execute(Q.deliveries_notify)
    return row


async def take_reminder(conn: asyncpg.Connection, subject: str, kind: str, at: datetime) -> bool:
    """True for exactly one caller per (subject, kind), ever: that caller sends the reminder."""
    return await conn.fetchval(Q.reminder_take, subject, kind, at) is not None
