"""免申即享 for programs defined as data: staff propose the award to firms from a recognition
list (the national 小巨人 list, a unicorn ranking); each firm finds a prepared claim, confirms
its payee and documents, and submits."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from domain.errors import RuleViolation
from domain.uscc import parse_uscc
from portal.applications.services import insert_draft
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.programs import schemas as s
from portal.programs.claims import ProgramClaim, definition_of
from portal.programs.services import program_on
from sql import audit
from sql.pool import transaction
from sql.queries import Q


async def propose(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    code: str,
    data: s.ProposalsIn,
) -> s.ProposalsOut:
    """A draft for each firm on the list, in one transaction: all proposed, or none (422 naming
    each firm not registered)."""
    program = await program_on(pool, code, today)
    if (
        program["kind"] != "defined"
        or not (await definition_of(pool, code, program["version"])).workflow.proposal
    ):
        raise RuleViolation(
            "proposal_not_offered",
            f"{code} is not paid without application (免申即享).",
            message_zh=f"{code} 不适用免申即享。",
            status=409,
        )
    made: list[UUID] = []
    async with transaction(pool) as conn:
        missing = []
        for i, item in enumerate(data.items):
            uscc = parse_uscc(item.uscc, field=f"items[{i}].uscc")
            org = await conn.fetchrow(Q.org_by_uscc, uscc.code)
            if org is None:
                missing.append(
                    RuleViolation(
                        "org_not_registered",
                        f"No organization with USCC {uscc.code} is registered.",
                        field=f"items[{i}].uscc",
                        message_zh=f"统一社会信用代码 {uscc.code} 的企业尚未注册。",
                    )
                )
                continue
            claim = ProgramClaim(program_code=code, fields=item.fields)
            made.append(
                await insert_draft(conn, now, today, org["id"], principal, claim, proposed=True)
            )
        if missing:
            raise ProblemError(
                422,
                "org_not_registered",
                "; ".join(v.message for v in missing),
                ";".join(v.message_zh for v in missing),
                errors=missing,
            )
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="program.proposed",
            entity_type="program",
            entity_id=code,
            data={"actor_name": principal.name, "applications": [str(a) for a in made]},
        )
    return s.ProposalsOut(made)
