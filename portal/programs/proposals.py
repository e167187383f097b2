"""免申即享: staff propose the award to firms from public sources (a recognition list, a listing
disclosure); each firm finds a prepared claim, confirms its payee and documents, and submits.
Offered by a program whose workflow says so."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import asyncpg

from domain.errors import RuleViolation
from domain.uscc import parse_uscc
from portal.applications import schemas as app_schemas
from portal.applications.services import insert_draft
from portal.applications.views import application_out
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.programs import schemas as s
from portal.programs.forms import Bound, Submitted, claim_form, submitted
from portal.programs.services import program_on
from sql import audit
from sql.application_types import application_types
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
    each firm not registered; 404 naming each outside a district proposer's scope)."""
    b = await _offering(pool, code, today)
    made: list[UUID] = []
    async with transaction(pool) as conn:
        missing, outside, found = [], [], []  # outside: USCCs beyond a district's scope
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
            elif not principal.covers(org["district_code"]):
                outside.append(uscc.code)
            else:
                found.append((org, item))
        if missing:
            raise ProblemError(
                422,
                "org_not_registered",
                "; ".join(v.message for v in missing),
                ";".join(v.message_zh for v in missing),
                errors=missing,
            )
        if outside:
            raise _outside(outside)
        for org, item in found:
            claim = await _claim(conn, b, item.fields)
            made.append(
                await insert_draft(conn, now, today, org["id"], principal, claim, proposed=True)
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


async def _offering(pool: asyncpg.Pool, code: str, today: dt.date) -> Bound:
    program = await program_on(pool, code, today)
    b = await claim_form(pool, code, program["version"])
    if not b.definition.workflow.proposal:
        raise RuleViolation(
            "proposal_not_offered",
            f"{code} is not paid without application (免申即享).",
            message_zh=f"{code} 不适用免申即享。",
            status=409,
        )
    return b


async def _claim(conn: asyncpg.Connection, b: Bound, given: dict[str, Any]) -> Submitted:
    body: dict[str, Any] = {"type": b.kind}
    if b.flat:
        body |= given
    else:
        body |= {"program_code": b.code, "fields": given}
    return await submitted(conn, body)


async def propose_one(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    application_type: str,
    uscc_text: str,
    given: dict[str, Any],
    language: str,
) -> app_schemas.ApplicationOut:
    """One firm's prepared claim, from a source staff read (a listing disclosure). A district's
    staff propose only to firms registered in their districts (else 404, nothing written)."""
    code = (await application_types(pool))[application_type].program_code
    assert code is not None
    b = await _offering(pool, code, today)
    uscc = parse_uscc(uscc_text)
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
        if not principal.covers(org["district_code"]):
            raise _outside([uscc.code])
        claim = await _claim(conn, b, given)
        app_id = await insert_draft(conn, now, today, org["id"], principal, claim, proposed=True)
        # Read inside the transaction: a draft its proposer could not see is never written.
        return await application_out(conn, app_id, principal, language)


def _outside(usccs: list[str]) -> ProblemError:
    """Firms registered outside a district proposer's districts: 404, as another district's
    application is."""
    named = ", ".join(usccs)
    return ProblemError(
        404,
        "not_found",
        f"No organization within your districts has USCC {named}.",
        f"您负责的区内没有统一社会信用代码为 {named} 的企业。",
    )
