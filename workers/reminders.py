"""Scheduled messages: claim-deadline reminders, reviewer reminders, the staff's daily digest.

Each is written as an outbox row (the relay delivers it like any other) in the transaction that
takes its `reminders_sent` key, so a job run twice, or on two workers at once, sends it once.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

import asyncpg

from domain.accounts import Role
from domain.calendar import WorkCalendar
from domain.clock import business_date
from domain.stages import Age, age_of, responsible, stage_of
from sql import outbox
from sql.calendar import load_calendar
from sql.notifications import take_reminder
from sql.pool import transaction
from sql.queries import Q
from workers import context as c

CLAIM_REMINDER_DAYS: Final = (30, 7, 1)
DIGEST_LISTED: Final = 20  # items a digest names; its counts cover them all


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
                    # Whose step it is: workers.recipients tells only those who take it.
                    "stage": stage_of(r["status"], r["chain"], r["district_code"]),
                    "waiting_days": waited,
                    "sla": r["sla"],
                },
            )
            sent += 1
    return sent


@dataclass(frozen=True, slots=True)
class _Waiting:
    stage: str
    district: str
    age: Age
    row: Any


async def _waiting(pool: asyncpg.Pool, calendar: WorkCalendar, today: date) -> list[_Waiting]:
    """Every item waiting for staff with its stage and age (domain.stages), overdue first, then
    the longest waiting."""
    rules = {
        (r["program_code"], r["version"]): (r["sla"], r["chain"])
        for r in await pool.fetch(Q.digest_rules)
    }
    found = []
    for r in await pool.fetch(Q.digest_waiting):
        sla, chain = rules.get((r["program_code"], r["program_version"]), (None, None))
        stage = stage_of(r["status"], chain, r["district_code"])
        age = age_of(r["status"], business_date(r["updated_at"]), sla, calendar, today)
        if stage is not None:
            found.append(_Waiting(stage, r["district_code"], age, r))
    found.sort(key=_order)
    return found


def _order(w: _Waiting) -> tuple[bool, int]:
    """Overdue first, then the longest waiting."""
    return (not w.age.overdue, -w.age.working_days)


def _listed(w: _Waiting) -> dict[str, Any]:
    return {
        "application_id": str(w.row["id"]),
        "reference": w.row["reference"],
        "title": w.row["title"],
        "type": w.row["type"],
        "stage": w.stage,
        "age_working_days": w.age.working_days,
        "sla_working_days": w.age.sla,
        "overdue": w.age.overdue,
    }


async def daily_digest(ctx: dict[str, Any]) -> int:
    """Once per working day, to each staff member with work: the items at the stages where
    their roles act, within their scope (a district's staff: its first reviews; the city's: the
    rest), overdue first. One per person per day (their `reminders_sent` key)."""
    pool, today, now = c.pool(ctx), c.today(ctx), c.now(ctx)
    calendar = await load_calendar(pool)
    if not calendar.is_working_day(today):
        return 0
    # Grouped by stage and district once: a person's share is the groups they act on, not a pass
    # over every waiting item per person (hundreds of thousands at a million applications).
    groups: dict[tuple[str, str], list[_Waiting]] = {}
    for w in await _waiting(pool, calendar, today):
        groups.setdefault((w.stage, w.district), []).append(w)
    overdue_in = {k: sum(w.age.overdue for w in g) for k, g in groups.items()}
    sent = 0
    async with transaction(pool) as conn:
        open_objections = await conn.fetchval(Q.digest_open_objections)
        for person in await conn.fetch(Q.digest_staff):
            roles = frozenset(Role(x) for x in person["roles"])
            districts = frozenset(person["districts"])
            mine = [k for k in groups if responsible(k[0], roles, districts, k[1])]
            total = sum(len(groups[k]) for k in mine)
            # Objections are decided by the city's approvers.
            objections = open_objections if not districts and Role.APPROVER in roles else 0
            if not total and not objections:
                continue
            key = f"digest.daily:{person['id']}"
            if not await take_reminder(conn, f"digest:{today.isoformat()}", key, now):
                continue
            counts: dict[str, int] = {}
            for stage, district in mine:
                counts[stage] = counts.get(stage, 0) + len(groups[stage, district])
            first = heapq.merge(*(groups[k] for k in mine), key=_order)
            await outbox.emit(
                conn,
                at=now,
                topic="digest.daily",
                payload={
                    "day": today.isoformat(),
                    "user_id": str(person["id"]),
                    "counts": counts,
                    "total": total,
                    "overdue": sum(overdue_in[k] for k in mine),
                    "items": [_listed(w) for w in itertools.islice(first, DIGEST_LISTED)],
                    "more": max(total - DIGEST_LISTED, 0),
                    "open_objections": objections,
                },
            )
            sent += 1
    return sent
