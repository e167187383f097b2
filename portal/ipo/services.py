"""免申即享 proposals from public disclosures, and the overseas funds follow-up."""

from __future__ import annotations

import datetime as dt
from typing import cast
from uuid import UUID

import asyncpg

from domain.errors import RuleViolation
from domain.ipo import recovery_due
from domain.money import parse_money
from domain.programs import IpoOverseasParams
from domain.uscc import parse_uscc
from portal.applications import schemas as app_schemas
from portal.applications.program_params import version_params
from portal.applications.services import insert_draft
from portal.applications.views import application_out, not_found
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.ipo import schemas as s
from sql import audit, outbox
from sql.pool import transaction
from sql.queries import Q


async def propose(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    data: s.ProposalIn,
    language: str,
) -> app_schemas.ApplicationOut:
    """Staff record a stage; the firm finds a prepared claim, confirms its payee and submits."""
    uscc = parse_uscc(data.uscc)
    async with transaction(pool) as conn:
        org = await conn.fetchrow(Q.org_by_uscc, uscc.code)
        if org is None:
            raise ProblemError(
                404,
                "org_not_registered",
                f"No organization with USCC {uscc.code} is registered; "
                "ask the firm to register first.",
                f"统一社会信用代码 {uscc.code} 的企业尚未注册,请通知企业先行注册。",
            )
        claim = s.IpoDomesticClaim(
            exchange=data.exchange,
            stages=data.stages,
            stage_dates=data.stage_dates,
            stock_code=data.stock_code,
            disclosure=data.disclosure,
        )
        app_id = await insert_draft(conn, now, today, org["id"], principal, claim, proposed=True)
    return await application_out(pool, app_id, principal, language)


async def follow_up(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    application_id: UUID,
    data: s.FollowUpIn,
) -> s.FollowUpOut:
    raised = parse_money(data.raised_total, "raised_total")
    invested = parse_money(data.invested_in_wuhan, "invested_in_wuhan")
    if not raised or invested > raised:
        raise RuleViolation(
            "invalid_input",
            "Invested must be between 0 and the total raised (> 0).",
            field="invested_in_wuhan",
            message_zh="投放金额须在0与募集总额之间,且募集总额大于0。",
        )
    async with transaction(pool) as conn:
        row = await conn.fetchrow(Q.application_for_update, application_id)
        if row is None:
            raise not_found()
        if row["type"] != "ipo_overseas_claim" or row["status"] != "disbursed":
            raise RuleViolation(
                "invalid_transition",
                "Follow-ups are recorded for paid overseas listing rewards.",
                message_zh="仅对已拨付的境外上市奖励进行跟踪。",
                status=409,
            )
        params, _ = await version_params(conn, row["program_code"], row["program_version"])
        due = recovery_due(cast(IpoOverseasParams, params), raised.fen, invested.fen)
        await conn.execute(
            Q.upsert_follow_up,
            application_id,
            data.year,
            raised.fen,
            invested.fen,
            due,
            data.note,
            principal.user_id,
            now,
        )
        if due:
            await outbox.emit(
                conn,
                at=now,
                topic="overseas.recovery_due",
                payload={
                    "application_id": str(application_id),
                    "org_id": str(row["org_id"]),
                    "year": data.year,
                },
            )
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="application.follow_up",
            entity_type="application",
            entity_id=str(application_id),
            data={
                "year": data.year,
                "raised_total": str(raised),
                "invested_in_wuhan": str(invested),
                "recovery_due": due,
                "actor_name": principal.name,
            },
        )
    return s.FollowUpOut(str(application_id), data.year, str(raised), str(invested), due)
