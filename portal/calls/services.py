"""Yearly calls, expert scoring, ranking and selection within the year's budget, for any
program whose definition asks for experts in a yearly call."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from uuid import UUID

import asyncpg

from domain import review as rules
from domain.chain import check_scope
from domain.definition.award import compute
from domain.definition.model import WithinCall
from domain.errors import RuleViolation
from domain.lifecycle import Action, Status
from domain.money import Money
from portal.applications import schemas as app_schemas
from portal.applications.types import lines_from_rows
from portal.applications.views import not_found
from portal.auth.principal import Principal
from portal.calls import schemas as s
from portal.errors import ProblemError
from portal.programs import engine
from portal.programs.forms import bound_of, claim_form, values_of
from portal.programs.services import check_year, program_on, unknown_program
from portal.review import services as review
from sql import audit
from sql.applications import lock
from sql.pool import transaction
from sql.queries import Q


async def put_call(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    program: str,
    year: int,
    data: s.CallIn,
) -> s.CallOut:
    check_year(year)
    if data.closes_on < data.opens_on:
        raise RuleViolation(
            "invalid_input",
            "A call cannot close before it opens.",
            field="closes_on",
            message_zh="截止日期不能早于开始日期。",
        )
    async with transaction(pool) as conn:
        if await conn.fetchrow(Q.lock_program, program) is None:
            raise unknown_program(program)
        row = await conn.fetchrow(Q.upsert_call, program, year, data.opens_on, data.closes_on, now)
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="call.set",
            entity_type="call",
            entity_id=f"{program}/{year}",
            data={"opens_on": data.opens_on.isoformat(), "closes_on": data.closes_on.isoformat()},
        )
    return s.CallOut(
        program,
        year,
        row["opens_on"],
        row["closes_on"],
        row["opens_on"] <= today <= row["closes_on"],
    )


async def list_calls(pool: asyncpg.Pool, today: dt.date) -> s.CallList:
    return s.CallList(
        [
            s.CallOut(
                r["program_code"],
                r["year"],
                r["opens_on"],
                r["closes_on"],
                r["opens_on"] <= today <= r["closes_on"],
            )
            for r in await pool.fetch(Q.calls_list)
        ]
    )


async def score(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    application_id: UUID,
    data: s.ScoreIn,
) -> s.ScoreOut:
    rules.check_score(data.score, data.declare_no_conflict)
    async with transaction(pool) as conn:
        row = await lock(conn, application_id, principal.districts)
        if row is None:
            raise not_found()
        b = await bound_of(conn, row)
        # Scoring is part of the first review: whoever takes that step scores.
        check_scope(
            b.definition.workflow.review_chain,
            Status(row["status"]),
            Action.PASS,
            row["district_code"],
            city_staff=principal.city,
        )
        if row["status"] != "submitted" or not engine.experts(b):
            raise RuleViolation(
                "invalid_transition",
                "Only submitted applications of a program scored by experts are scored.",
                message_zh="仅对须专家评分且已提交的申请评分。",
                status=409,
            )
        if (
            await conn.fetchval(
                Q.insert_score,
                application_id,
                principal.user_id,
                data.score,
                data.comment,
                data.declare_no_conflict,
                now,
            )
            is None
        ):
            raise RuleViolation(
                "already_scored",
                "You have already scored this project.",
                message_zh="您已为该项目评分。",
                status=409,
            )
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="application.scored",
            entity_type="application",
            entity_id=str(application_id),
            data={
                "score": data.score,
                "comment": data.comment,
                "declared_no_conflict": True,
                "actor_name": principal.name,
            },
        )
        count = await conn.fetchval(Q.scores_count, application_id)
    return s.ScoreOut(application_id, data.score, count)


async def ranking(
    pool: asyncpg.Pool, program: str, year: int, today: dt.date, principal: Principal
) -> s.RankingOut:
    """A yearly call's passed applications by their experts' average, against what is left
    of the year's budget; each with the award it would be approved for. The ranking is the
    city's (so is the budget); a district's staff see only their districts' applications in it,
    at their places there."""
    check_year(year)
    async with pool.acquire() as conn:
        current = await program_on(conn, program, today)
        b = await claim_form(conn, program, current["version"])
        rule = next((r for r in b.form.eligibility if isinstance(r, WithinCall)), None)
        if rule is None or not b.definition.workflow.experts:
            raise ProblemError(
                404,
                "not_found",
                f"{program} is not ranked: it has no yearly call scored by experts.",
                f"{program} 不按年度申报批次评审排名。",
            )
        budget = await conn.fetchrow(Q.budget_row, program, year)
        available = (
            Money(budget["allocated_fen"] - budget["reserved_fen"] - budget["spent_fen"])
            if budget
            else Money.ZERO
        )
        rows = await conn.fetch(Q.ranking_candidates, program, rule.year_field or "", year)
        candidates, info = [], {}
        for r in rows:
            app_b = await bound_of(conn, r)
            lines = lines_from_rows(await conn.fetch(Q.lines_of, r["id"]))
            found = engine.amounts(app_b, values_of(app_b, r["payload"], r["filing_id"]), lines)
            award = compute(app_b.definition, found).amount
            if r["scores"]:
                candidates.append(
                    rules.Candidate(str(r["id"]), tuple(r["scores"]), award, r["submitted_at"])
                )
            info[str(r["id"])] = r
    ranked = rules.rank(candidates, available)
    return s.RankingOut(
        program,
        year,
        str(available),
        [
            s.RankedOut(
                rank=x.rank,
                application_id=UUID(x.key),
                title=info[x.key]["title"],
                org_name=info[x.key]["org_name"],
                scores_count=len(info[x.key]["scores"]),
                average=_two(x.average),
                award=str(x.award),
                cumulative=str(x.cumulative),
                fits=x.fits,
            )
            for x in ranked
            if principal.covers(info[x.key]["district_code"])
        ],
    )


def _two(value: Fraction) -> str:
    """An exact average shown to two places, rounded half up, without float."""
    hundredths = (value * 200 + 1) // 2
    return f"{hundredths // 100}.{hundredths % 100:02d}"


async def select(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    program: str,
    year: int,
    data: s.SelectionIn,
    language: str,
) -> s.SelectionOut:
    """Approve by rank while the budget lasts; each approval is the approver's ordinary decision."""
    ranked = await ranking(pool, program, year, today, principal)  # within their scope
    approved, not_selected, skipped = [], [], []
    decision = app_schemas.DecisionIn(
        action="approve",
        comment=data.comment or "按评审排名择优支持",
        declare_no_conflict=data.declare_no_conflict,
    )
    for item in ranked.items:
        if not item.fits:
            not_selected.append(item.application_id)
            continue
        try:
            await review.decide(
                pool, now, today, principal, item.application_id, decision, language
            )
            approved.append(item.application_id)
        except RuleViolation as v:
            if v.code == "conflict_not_declared":
                raise
            skipped.append(item.application_id)  # e.g. same_reviewer: another approver must take it
    return s.SelectionOut(approved, not_selected, skipped)
