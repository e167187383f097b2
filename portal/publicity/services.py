"""Publicity batches (staff), the public list, and objections (anyone)."""

from __future__ import annotations

import datetime as dt

import asyncpg

from domain.chain import check_city_step
from domain.lifecycle import Action, Status, next_status
from domain.money import Money
from domain.publicity import publicity_period
from portal.applications.views import not_found
from portal.auth.principal import Principal
from portal.publicity import schemas as s
from sql.application_types import is_prior
from sql.applications import ActorRef, lock, record_transition
from sql.calendar import load_calendar
from sql.pool import transaction
from sql.queries import Q


async def create_batch(
    pool: asyncpg.Pool, now: dt.datetime, today: dt.date, principal: Principal, data: s.BatchIn
) -> s.BatchOut:
    """Announce approved awards for a period of public comment: the city's step (403
    city_decides to a district's staff)."""
    check_city_step(city_staff=principal.city)
    async with transaction(pool) as conn:
        starts_on, ends_on = publicity_period(
            await load_calendar(conn), data.starts_on, today, data.working_days
        )
        batch = await conn.fetchrow(Q.insert_batch, starts_on, ends_on, principal.user_id, now)
        items = []
        # Sorted, so two batches naming the same applications lock them in one order.
        for application_id in sorted(set(data.application_ids)):
            row = await lock(conn, application_id, principal.districts)
            if row is None:
                raise not_found()
            target = next_status(
                await is_prior(conn, row["type"]),
                Status(row["status"]),
                Action.PUBLICIZE,
                frozenset(principal.roles),
            )
            await conn.execute(
                Q.insert_item, batch["id"], application_id, row["amount_approved_fen"]
            )
            await record_transition(
                conn,
                row,
                action="publicize",
                to_status=target,
                actor=ActorRef(principal.actor, principal.name),
                at=now,
                data={
                    "batch_id": str(batch["id"]),
                    "starts_on": starts_on.isoformat(),
                    "ends_on": ends_on.isoformat(),
                },
            )
            org = await conn.fetchrow(Q.org_by_id, row["org_id"])
            items.append(
                s.BatchItem(
                    application_id,
                    row["reference"],
                    org["name"],
                    str(Money(row["amount_approved_fen"])),
                )
            )
    return s.BatchOut(batch["id"], starts_on, ends_on, items)


async def list_batches(pool: asyncpg.Pool) -> s.BatchList:
    return s.BatchList(
        [
            s.BatchSummary(
                r["id"], r["starts_on"], r["ends_on"], r["created_at"], r["closed_at"], r["items"]
            )
            for r in await pool.fetch(Q.batches_list)
        ]
    )


async def announcements(pool: asyncpg.Pool, today: dt.date, language: str) -> s.AnnouncementList:
    zh = language == "zh"
    return s.AnnouncementList(
        [
            s.Announcement(
                id=r["id"],
                reference=r["reference"],
                org_name=r["org_name"],
                program=r["program_code"],
                program_title=r["program_zh"] if zh else r["program_en"],
                title=r["title"],
                amount=str(Money(r["amount_fen"])),
                period=s.Period(r["starts_on"], r["ends_on"]),
                batch_id=r["batch_id"],
            )
            for r in await pool.fetch(Q.announcements, today)
        ]
    )
