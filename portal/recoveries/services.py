"""Winning back a paid award (the overseas 80 % rule not kept, say): the city's staff record what
is owed and by when, then each repayment (a district's are refused: 403 city_decides); repaid
money returns to the budget it was spent from, and the organization is told of both."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import asyncpg

from domain.chain import check_city_step
from domain.errors import RuleViolation
from domain.money import Money, parse_money
from domain.payments import check_paid_on, check_recovery, check_repayment
from portal.applications import schemas as app_schemas
from portal.applications.views import application_out, not_found
from portal.auth.principal import Principal
from portal.recoveries import schemas as s
from sql import audit, budgets, outbox
from sql.applications import lock
from sql.pool import transaction
from sql.queries import Q


def _not_paid() -> RuleViolation:
    return RuleViolation(
        "invalid_transition",
        "Only a paid award can be recovered.",
        message_zh="只有已拨付的奖补才能追回。",
        status=409,
    )


def _no_recovery() -> RuleViolation:
    return RuleViolation(
        "no_recovery",
        "Record the amount to recover before its repayments.",
        message_zh="请先登记应追回金额,再登记还款。",
        status=409,
    )


async def _tell(
    conn: asyncpg.Connection,
    app: asyncpg.Record,
    topic: str,
    now: dt.datetime,
    principal: Principal,
    data: dict[str, Any],
) -> None:
    """The organization and finance hear of it; the audit trail keeps it on the application."""
    await outbox.emit(
        conn,
        at=now,
        topic=topic,
        payload={
            "application_id": str(app["id"]),
            "org_id": str(app["org_id"]),
            "type": app["type"],
            "reference": app["reference"],
            **data,
        },
    )
    await audit.append(
        conn,
        at=now,
        actor=principal.actor,
        action=f"application.{topic.replace('.', '_')}",
        entity_type="application",
        entity_id=str(app["id"]),
        data={"actor_name": principal.name, **data},
    )


async def open_recovery(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    application_id: UUID,
    data: s.RecoveryIn,
    language: str,
) -> app_schemas.ApplicationOut:
    amount = parse_money(data.amount, "amount")
    async with transaction(pool) as conn:
        app = await lock(conn, application_id, principal.districts)
        if app is None:
            raise not_found()
        check_city_step(city_staff=principal.city)
        paid = await conn.fetchrow(Q.disbursement_of, application_id)
        if app["status"] != "disbursed" or paid is None:
            raise _not_paid()
        check_recovery(amount, Money(paid["amount_fen"]))
        if (
            await conn.fetchval(
                Q.insert_recovery,
                application_id,
                amount.fen,
                data.due_on,
                data.reason.strip(),
                principal.user_id,
                now,
            )
            is None
        ):
            raise RuleViolation(
                "recovery_exists",
                "A recovery is already recorded for this award.",
                message_zh="该奖补已登记追回。",
                status=409,
            )
        await _tell(
            conn,
            app,
            "recovery.opened",
            now,
            principal,
            {"amount": str(amount), "due_on": data.due_on.isoformat(), "comment": data.reason},
        )
    return await application_out(pool, application_id, principal, language)


async def record_repayment(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    application_id: UUID,
    data: s.RepaymentIn,
    language: str,
) -> app_schemas.ApplicationOut:
    amount = parse_money(data.amount, "amount")
    check_paid_on(data.paid_on, today)
    async with transaction(pool) as conn:
        app = await lock(conn, application_id, principal.districts)
        if app is None:
            raise not_found()
        check_city_step(city_staff=principal.city)
        recovery = await conn.fetchrow(Q.recovery_of, application_id)
        if recovery is None:
            raise _no_recovery()
        check_repayment(amount, Money(recovery["amount_fen"] - recovery["repaid_fen"]))
        # The application's row lock serializes repayments; the conditional update and the
        # table's CHECK hold the ceiling even without it.
        after = await conn.fetchrow(Q.add_repayment, application_id, amount.fen)
        if after is None:
            raise RuleViolation(
                "amount_exceeds_outstanding",
                "This is more than is still owed.",
                field="amount",
                message_zh="还款金额超过尚欠金额。",
            )
        await conn.execute(
            Q.insert_repayment,
            application_id,
            amount.fen,
            data.paid_on,
            data.reference.strip(),
            principal.user_id,
            now,
        )
        repaid = Money(after["repaid_fen"])
        await budgets.refund(
            conn, application_id, Money(app["amount_approved_fen"]), repaid - amount, repaid, now
        )
        await _tell(
            conn,
            app,
            "recovery.repaid",
            now,
            principal,
            {
                "amount": str(amount),
                "paid_on": data.paid_on.isoformat(),
                "payment_reference": data.reference.strip(),
                "outstanding": str(Money(after["amount_fen"] - after["repaid_fen"])),
            },
        )
    return await application_out(pool, application_id, principal, language)
