"""Finance records the payment of a confirmed award: once, for exactly the approved amount."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from domain.errors import RuleViolation
from domain.lifecycle import Action, Status, next_status
from domain.money import parse_money
from domain.publicity import period_over
from portal.applications import schemas as s
from portal.applications.views import application_out, not_found
from portal.auth.principal import Principal
from portal.disbursements.schemas import DisbursementIn
from sql.applications import ActorRef, lock, record_transition
from sql.pool import transaction
from sql.publicity import confirm
from sql.queries import Q


def _already() -> RuleViolation:
    return RuleViolation(
        "already_disbursed",
        "This award has already been paid.",
        message_zh="该奖补已拨付。",
        status=409,
    )


async def disburse(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    application_id: UUID,
    data: DisbursementIn,
    language: str,
) -> s.ApplicationOut:
    amount = parse_money(data.amount, "amount")
    if data.paid_on > today:
        raise RuleViolation(
            "invalid_input",
            "A payment cannot be dated in the future.",
            field="paid_on",
            message_zh="拨付日期不能晚于今天。",
        )
    async with transaction(pool) as conn:
        row = await lock(conn, application_id)
        if row is None:
            raise not_found()
        if row["status"] == Status.DISBURSED:
            raise _already()
        if row["status"] == Status.PUBLICIZED:
            # The period may have ended before the scheduler closed its batch.
            period = await conn.fetchrow(Q.latest_publicity_of, application_id)
            if (
                period is not None
                and period_over(period["ends_on"], today)
                and not await conn.fetchval(Q.upheld_objections, application_id, period["id"])
            ):
                await confirm(conn, row, now)
                row = await lock(conn, application_id)
                assert row is not None
        target = next_status(
            row["type"], Status(row["status"]), Action.DISBURSE, frozenset(principal.roles)
        )
        if amount.fen != row["amount_approved_fen"]:
            raise RuleViolation(
                "amount_mismatch",
                "The payment must be exactly the approved amount.",
                field="amount",
                message_zh="拨付金额须与核定金额一致。",
            )
        try:
            async with conn.transaction():
                await conn.execute(
                    Q.insert_disbursement,
                    application_id,
                    data.paid_on,
                    amount.fen,
                    data.reference.strip(),
                    principal.user_id,
                    now,
                )
        except asyncpg.UniqueViolationError:
            raise _already() from None
        await conn.execute(Q.spend_budget, row["program_code"], row["budget_year"], amount.fen, now)
        await record_transition(
            conn,
            row,
            action="disburse",
            to_status=target,
            actor=ActorRef(principal.actor, principal.name),
            at=now,
            data={
                "paid_on": data.paid_on.isoformat(),
                "amount": str(amount),
                "payment_reference": data.reference,
            },
        )
    return await application_out(pool, application_id, principal, language)
