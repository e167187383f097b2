"""Scheduled messages: claim-deadline reminders, reviewer reminders, the staff's daily digest.

Each is written as an outbox row (the relay delivers it like any other) in the transaction that
takes its `reminders_sent` key, so a job run twice, or on two workers at once, sends it once.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any, Final

from domain.clock import business_date
from sql import outbox
from sql.calendar import load_calendar
from sql.notifications import take_reminder
from sql.pool import transaction
from sql.queries import Q
from workers import context as c

CLAIM_REMINDER_DAYS: Final = (30, 7, 1)
DIGEST_QUEUES: Final = ("submitted", "reviewed", "approved", "publicized", "confirmed")


async def claim_deadline_reminders(ctx: dict[str, Any]) -> int:
    """30, 7 and 1 days before a recognized filing's claim window closes, while no claim is in.

    A run that comes late (the worker was down) sends only the nearest reminder due, once.
    """
    pool, today, now = c.pool(ctx), c.today(ctx), c.now(ctx)
    sent = 0
    for r in await pool.fetch(Q.claim_deadline_candidates, today, max(CLAIM_REMINDER_DAYS)):
        days_left = (r["last_day"] - today).days
        due = sorted(d for d in CLAIM_REMINDER_DAYS if days_left <= d)
        if not due:
            continue
        async with transaction(pool) as conn:
            taken = [d for d in due if await take_reminder(conn, str(r["id"]), f"claim:{d}", now)]
            if due[0] not in taken:
                continue
            await outbox.emit(
                conn,
                at=now,
                topic="reminder.claim_deadline",
                payload={
                    **_about(r),
                    "days_left": days_left,
                    "last_day": r["last_day"].isoformat(),
                },
            )
            sent += 1
    return sent


def _about(r: Any) -> dict[str, Any]:
    """What every reminder says about its application."""
    return {
        "application_id": str(r["id"]),
        "org_id": str(r["org_id"]),
        "type": r["type"],
        "program_code": r["program_code"],
        "reference": r["reference"],
        "title": r["title"],
    }


def _sla_kind(status: str, entered: Any) -> str:
    # Matches the SQL that skips reminded items: whole seconds since the epoch.
    return f"review_sla:{status}:{math.floor(entered.timestamp())}"


async def review_sla_reminders(ctx: dict[str, Any]) -> int:
    """Items waiting in `submitted` (reviewers) or `reviewed` (approvers) for more working days
    than the program's `review_sla_working_days` (default 5): one reminder per wait."""
    pool, today, now = c.pool(ctx), c.today(ctx), c.now(ctx)
    calendar = await load_calendar(pool)
    sent = 0
    for r in await pool.fetch(Q.review_sla_candidates, now - timedelta(days=1)):
        waited = calendar.working_days_between(business_date(r["updated_at"]), today)
        if waited <= r["sla"]:
            continue
        async with transaction(pool) as conn:
            if not await take_reminder(
                conn, str(r["id"]), _sla_kind(r["status"], r["updated_at"]), now
            ):
                continue
            await outbox.emit(
                conn,
                at=now,
                topic="reminder.review_sla",
                payload={
                    **_about(r),
                    "status": r["status"],
                    "role": "reviewer" if r["status"] == "submitted" else "approver",
                    "waiting_days": waited,
                    "sla": r["sla"],
                },
            )
            sent += 1
    return sent


async def daily_digest(ctx: dict[str, Any]) -> int:
    """Once per working day: how much work waits in each staff queue."""
    pool, today, now = c.pool(ctx), c.today(ctx), c.now(ctx)
    if not (await load_calendar(pool)).is_working_day(today):
        return 0
    async with transaction(pool) as conn:
        if not await take_reminder(conn, f"digest:{today.isoformat()}", "digest.daily", now):
            return 0
        counts = dict.fromkeys(DIGEST_QUEUES, 0)
        counts |= {r["status"]: r["n"] for r in await conn.fetch(Q.digest_queue_counts)}
        await outbox.emit(
            conn,
            at=now,
            topic="digest.daily",
            payload={
                "day": today.isoformat(),
                "counts": counts,
                "open_objections": await conn.fetchval(Q.digest_open_objections),
            },
        )
    return 1
