"""An award's money in the budgets, in the caller's transaction: reserved from each funder's
budget at approval (all of it or none), released when the award is withdrawn, spent when it is
paid, refunded as it is won back. Each step after the reservation moves exactly the budgets the
award was reserved from (award_funding), by funder, the order every path locks them in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID

import asyncpg

from domain.budgets import Part, budget_short, refunds
from domain.money import Money
from sql.queries import Q


async def reserve(
    conn: asyncpg.Connection,
    application_id: UUID,
    program: str,
    year: int,
    parts: Sequence[Part],
    now: dt.datetime,
) -> None:
    """Reserve each part from its funder's budget for the year (`parts` sorted by funder, as
    `domain.budgets.reservations` gives them). One missing or short refuses the whole award,
    before anything is reserved."""
    rows = await conn.fetch(Q.lock_budgets, program, year, [funder for funder, _ in parts])
    left = {r["funder"]: Money(r["available_fen"]) for r in rows}
    for funder, amount in parts:
        if funder not in left or left[funder] < amount:
            raise budget_short(program, year, funder, left.get(funder), amount)
    for funder, amount in parts:
        # Under the lock this holds; the condition in the statement holds it without one.
        if await conn.fetchval(Q.reserve_budget, program, year, funder, amount.fen, now) is None:
            raise budget_short(program, year, funder, left[funder], amount)
        await conn.execute(
            Q.insert_award_funding, application_id, program, year, funder, amount.fen
        )


async def release(conn: asyncpg.Connection, application_id: UUID, now: dt.datetime) -> None:
    """The award is withdrawn: each budget gets back what was reserved from it."""
    for r in await conn.fetch(Q.award_funding_of, application_id):
        await conn.execute(
            Q.release_budget, r["program_code"], r["year"], r["funder"], r["amount_fen"], now
        )
    await conn.execute(Q.delete_award_funding, application_id)


async def spend(conn: asyncpg.Connection, application_id: UUID, now: dt.datetime) -> None:
    """The award is paid (exactly the award): what each budget reserved becomes spent."""
    for r in await conn.fetch(Q.award_funding_of, application_id):
        await conn.execute(
            Q.spend_budget, r["program_code"], r["year"], r["funder"], r["amount_fen"], now
        )


async def refund(
    conn: asyncpg.Connection,
    application_id: UUID,
    award: Money,
    repaid_before: Money,
    repaid_after: Money,
    now: dt.datetime,
) -> None:
    """A repayment: each budget the award was spent from gets its share of it back."""
    rows = await conn.fetch(Q.award_funding_of, application_id)
    parts = [(r["funder"], Money(r["amount_fen"])) for r in rows]
    for r, (_, back) in zip(rows, refunds(parts, award, repaid_before, repaid_after), strict=True):
        if back:
            await conn.execute(
                Q.refund_budget, r["program_code"], r["year"], r["funder"], back.fen, now
            )
