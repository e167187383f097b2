"""Yearly calls, expert scoring, ranking and selection within the year's budget."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import cast
from uuid import UUID

import asyncpg

from domain import scenario as rules
from domain.errors import RuleViolation
from domain.money import Money
from domain.programs import ScenarioProjectParams, scenario_project_award
from portal.applications import schemas as app_schemas
from portal.applications.program_params import version_params
from portal.applications.registry import HANDLERS
from portal.applications.views import not_found
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.programs.services import check_year, unknown_program
from portal.review import services as review
from portal.scenario import schemas as s
from sql import audit
from sql.pool import transaction
from sql.queries import Q

SCORED = "scenario-project"  # the program whose calls are scored and ranked


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
        row = await conn.fetchrow(Q.application_for_update, application_id)
        if row is None:
            raise not_found()
        if row["status"] != "submitted" or not await HANDLERS[row["type"]].experts(conn, row):
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


async def ranking(pool: asyncpg.Pool, program: str, year: int) -> s.RankingOut:
    check_year(year)
    if program != SCORED:
        raise ProblemError(
            404, "not_found", "Only scenario projects are ranked.", "仅场景项目进行排名。"
        )
    async with pool.acquire() as conn:
        budget = await conn.fetchrow(Q.budget_row, program, year)
        available = (
            Money(budget["allocated_fen"] - budget["reserved_fen"] - budget["spent_fen"])
            if budget
            else Money.ZERO
        )
        rows = await conn.fetch(Q.ranking_candidates, year)
        candidates, info = [], {}
        for r in rows:
            params, _ = await version_params(conn, program, r["program_version"])
            total = Money(await conn.fetchval(Q.approved_lines_total, r["id"]))
            award = scenario_project_award(cast(ScenarioProjectParams, params), total).amount
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
    ranked = await ranking(pool, program, year)
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
