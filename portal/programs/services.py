"""Programs, versions, the estimate, exchanges and budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import msgspec

from domain.budgets import CITY, check_funder, funder_names
from domain.definition.award import Award
from domain.definition.model import Definition, Prior
from domain.errors import RuleViolation
from domain.money import Money, parse_money
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.programs import schemas as s
from portal.programs.estimates import estimate_award
from sql import audit
from sql.pool import transaction
from sql.queries import Q


def unknown_program(code: str) -> ProblemError:
    return ProblemError(
        404, "unknown_program", f"There is no program {code!r}.", f"不存在代码为 {code} 的项目。"
    )


def policy_not_in_effect(code: str, day: dt.date) -> RuleViolation:
    return RuleViolation(
        "policy_not_in_effect",
        f"No version of program {code!r} is in effect on {day}.",
        message_zh=f"{day} 没有生效的 {code} 项目政策版本。",
    )


async def no_version_in_effect(
    conn: asyncpg.Connection | asyncpg.Pool, code: str, day: dt.date
) -> Exception:
    """Why no version of `code` governs a draft on `day` (read only then, off the hot path):
    no such program (404), or no version's window holds the day (422)."""
    if await conn.fetchval(Q.program_exists, code):
        return policy_not_in_effect(code, day)
    return unknown_program(code)


def form_out(d: Definition | Prior) -> s.FormOut:
    return s.FormOut(
        [
            s.FieldOut(
                f.name,
                f.kind,
                f.required,
                f.label_zh,
                f.label_en,
                [s.OptionOut(o.value, o.label_zh, o.label_en) for o in f.options]
                if f.options
                else None,
            )
            for f in d.fields
        ]
    )


def documents_out(d: Definition | Prior) -> list[s.DocumentOut]:
    return [s.DocumentOut(x.kind, x.required, x.label_zh, x.label_en) for x in d.documents]


def _out(row: asyncpg.Record, today: dt.date) -> s.ProgramOut:
    out = s.ProgramOut(
        code=row["code"],
        article=row["article"],
        title_zh=row["title_zh"],
        title_en=row["title_en"],
        kind=row["kind"],
        version=row["version"],
        effective_from=row["effective_from"],
        effective_to=row["effective_to"],
        in_effect=row["effective_from"] <= today <= row["effective_to"],
        params=row["params"],
    )
    d = msgspec.convert(row["params"], Definition)
    out.form, out.documents = form_out(d), documents_out(d)
    out.estimate_inputs, out.proposal = list(d.estimate_names()), d.workflow.proposal
    out.type = d.type
    if d.prior is not None:
        out.prior = s.PriorOut(d.prior.type, form_out(d.prior), documents_out(d.prior))
    return out


async def program_on(
    conn: asyncpg.Connection | asyncpg.Pool, code: str, today: dt.date
) -> asyncpg.Record:
    row = await conn.fetchrow(Q.programs_on, today, code)
    if row is None:
        raise unknown_program(code)
    return row


async def list_programs(pool: asyncpg.Pool, today: dt.date) -> s.ProgramList:
    rows = await pool.fetch(Q.programs_on, today, None)
    return s.ProgramList([_out(r, today) for r in rows])


async def get_program(pool: asyncpg.Pool, code: str, today: dt.date) -> s.ProgramDetail:
    row = await program_on(pool, code, today)
    versions = await pool.fetch(Q.program_versions, code, False)
    return s.ProgramDetail(program=_out(row, today), versions=[version_out(v) for v in versions])


def version_out(v: asyncpg.Record) -> s.VersionOut:
    return s.VersionOut(
        version=v["version"],
        effective_from=v["effective_from"],
        effective_to=v["effective_to"],
        params=v["params"],
        note=v["note"],
        created_at=v["created_at"],
        created_by=v["created_by"],
        status=v["status"],
        published_at=v["published_at"],
    )


async def estimate(
    pool: asyncpg.Pool, code: str, raw: dict[str, Any], today: dt.date, language: str
) -> s.EstimateOut:
    row = await program_on(pool, code, today)
    if not row["effective_from"] <= today <= row["effective_to"]:
        raise policy_not_in_effect(code, today)  # the nearest version, shown but not in effect
    d = msgspec.convert(row["params"], Definition)
    award = await estimate_award(pool, d, raw, today, row["article"])
    return estimate_out(award, row["version"], language)


def estimate_out(award: Award, version: int, language: str) -> s.EstimateOut:
    zh = language == "zh"
    return s.EstimateOut(
        amount=str(award.amount),
        capped=award.capped,
        breakdown=[
            s.BreakdownOut(label=(b.label_zh or b.label) if zh else b.label, amount=str(b.amount))
            for b in award.breakdown
        ],
        rule=award.rule_zh if zh else award.rule_en,
        program_version=version,
    )


def _exchange_out(r: asyncpg.Record, language: str) -> s.ExchangeOut:
    return s.ExchangeOut(
        code=r["code"],
        name=r["name_zh"] if language == "zh" else r["name_en"],
        name_zh=r["name_zh"],
        name_en=r["name_en"],
        market=r["market"],
        jurisdiction=r["jurisdiction"],
        eligible=r["eligible"],
        valid_from=r["valid_from"],
    )


async def list_exchanges(pool: asyncpg.Pool, on: dt.date, language: str) -> s.ExchangeList:
    return s.ExchangeList(
        [_exchange_out(r, language) for r in await pool.fetch(Q.exchanges_on, on)]
    )


async def put_exchange(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    code: str,
    data: s.ExchangeIn,
    language: str,
) -> s.ExchangeOut:
    async with transaction(pool) as conn:
        row = await conn.fetchrow(
            Q.upsert_exchange,
            code,
            data.valid_from,
            data.name_zh.strip(),
            data.name_en.strip(),
            data.market,
            data.jurisdiction,
            data.eligible,
            now,
            principal.actor,
        )
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="exchange.changed",
            entity_type="exchange",
            entity_id=code,
            data={**msgspec.to_builtins(data), "valid_from": data.valid_from.isoformat()},
        )
    return _exchange_out(row, language)


def _budget_out(r: asyncpg.Record) -> s.BudgetOut:
    allocated, reserved, spent = (
        Money(r["allocated_fen"]),
        Money(r["reserved_fen"]),
        Money(r["spent_fen"]),
    )
    return s.BudgetOut(
        program=r["program"],
        year=r["year"],
        funder=r["funder"],
        allocated=str(allocated),
        reserved=str(reserved),
        spent=str(spent),
        available=str(allocated - reserved - spent),
    )


def check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise RuleViolation(
            "invalid_input",
            f"{year} is not a budget year (2000-2100).",
            field="year",
            message_zh=f"{year} 不是有效的预算年度(2000-2100)。",
        )
    return year


async def list_budgets(
    pool: asyncpg.Pool, year: int, districts: list[str] | None = None
) -> s.BudgetList:
    """Every program's city budget for the year, then the districts' budgets that are set; of
    `districts` only, when given (a district's staff see the city's and their own)."""
    check_year(year)
    rows = await pool.fetch(Q.budgets_for_year, year, districts)
    return s.BudgetList([_budget_out(r) for r in rows])


async def budget_totals(
    pool: asyncpg.Pool, year: int, districts: list[str] | None = None
) -> s.BudgetList:
    """Each program's budgets for the year added up, the city's and the districts' (funder
    'all'); of the city and `districts` only, when given."""
    check_year(year)
    rows = await pool.fetch(Q.budget_totals_for_year, year, districts)
    return s.BudgetList([_budget_out(r) for r in rows])


def outside_scope(funder: str) -> RuleViolation:
    zh, en = funder_names(funder)
    return RuleViolation(
        "outside_scope",
        f"A district's staff set only their own districts' budgets, not {en}'s.",
        field="funder",
        status=403,
        message_zh=f"区级人员只能设置本区预算,不能设置{zh}预算。",
    )


async def set_budget(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    program: str,
    year: int,
    data: s.BudgetIn,
) -> s.BudgetOut:
    check_year(year)
    allocated = parse_money(data.allocated, "allocated")
    funder = check_funder(data.funder)
    if principal.districts and funder not in principal.districts:
        raise outside_scope(funder)
    async with transaction(pool) as conn:
        if await conn.fetchrow(Q.lock_program, program) is None:
            raise unknown_program(program)
        try:
            async with conn.transaction():
                row = await conn.fetchrow(Q.set_budget, program, year, allocated.fen, now, funder)
        except asyncpg.CheckViolationError as exc:
            if exc.constraint_name != "budgets_within_allocation":
                raise
            raise RuleViolation(
                "allocation_below_committed",
                "The allocation cannot be less than what is already reserved and spent.",
                field="allocated",
                status=409,
                message_zh="拨款额度不能低于已预留和已支出的金额之和。",
            ) from None
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="budget.set",
            entity_type="budget",
            entity_id=f"{program}/{year}" if funder == CITY else f"{program}/{year}/{funder}",
            data={
                "funder": funder,
                "allocated": str(allocated),
                "previous": str(Money(row["previous_fen"]))
                if row["previous_fen"] is not None
                else None,
            },
        )
    return _budget_out(row)
