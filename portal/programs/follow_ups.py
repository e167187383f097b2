"""Follow-ups after payment: each year the firm's figures for the two amounts a program's
follow-up compares (funds invested in Wuhan of those raised); below the share, the award is
flagged for recovery. Recorded by the city's staff (a district's: 403 city_decides)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import asyncpg

from domain.chain import check_city_step
from domain.errors import RuleViolation
from domain.money import parse_money
from portal.applications.views import not_found
from portal.auth.principal import Principal
from portal.programs.forms import bound_of
from sql import audit, outbox
from sql.applications import lock
from sql.pool import transaction
from sql.queries import Q

WHOLE_BP = 10_000


def _year(body: dict[str, Any]) -> int:
    year = body.get("year")
    if type(year) is not int or not 2000 <= year <= 2100:
        raise RuleViolation(
            "invalid_input", "Give the year (2000–2100).", field="year", message_zh="请填写年度。"
        )
    return year


async def follow_up(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    application_id: UUID,
    body: dict[str, Any],
) -> dict[str, Any]:
    year = _year(body)
    note = body.get("note", "")
    if not isinstance(note, str) or len(note) > 10_000 or "\x00" in note:
        raise RuleViolation(
            "invalid_input", "A note: text.", field="note", message_zh="备注须为文字。"
        )
    async with transaction(pool) as conn:
        row = await lock(conn, application_id, principal.districts)
        if row is None:
            raise not_found()
        check_city_step(city_staff=principal.city)
        follow = (await bound_of(conn, row)).definition.workflow.follow_up
        if follow is None or row["status"] != "disbursed":
            raise RuleViolation(
                "invalid_transition",
                "Follow-ups are recorded for paid awards of a program that follows them up.",
                message_zh="仅对已拨付且须年度跟踪的奖励进行跟踪。",
                status=409,
            )
        unknown = set(body) - {"year", "note", follow.part, follow.whole}
        if unknown:
            name = sorted(unknown)[0]
            raise RuleViolation(
                "invalid_input",
                f"Unknown field {name!r}.",
                field=name,
                message_zh=f"未知字段“{name}”。",
            )
        whole = parse_money(body.get(follow.whole), follow.whole)
        part = parse_money(body.get(follow.part), follow.part)
        if not whole or part > whole:
            raise RuleViolation(
                "invalid_input",
                f"{follow.part} must be between 0 and {follow.whole} (> 0).",
                field=follow.part,
                message_zh="跟踪金额须在0与总额之间,且总额大于0。",
            )
        due = part.fen * WHOLE_BP < whole.fen * follow.bp
        await conn.execute(
            Q.upsert_follow_up,
            application_id,
            year,
            whole.fen,
            part.fen,
            due,
            note,
            principal.user_id,
            now,
        )
        if due:
            await outbox.emit(
                conn,
                at=now,
                topic="follow_up.recovery_due",
                payload={
                    "application_id": str(application_id),
                    "org_id": str(row["org_id"]),
                    "year": year,
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
                "year": year,
                follow.whole: str(whole),
                follow.part: str(part),
                "recovery_due": due,
                "actor_name": principal.name,
            },
        )
    return {
        "application_id": str(application_id),
        "year": year,
        follow.whole: str(whole),
        follow.part: str(part),
        "recovery_due": due,
    }
