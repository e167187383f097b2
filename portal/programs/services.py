"""Programs, versions, the estimate, exchanges and budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import msgspec

from domain import programs as rules
from domain.definition.award import compute
from domain.definition.model import Definition
from domain.errors import RuleViolation
from domain.money import Money, parse_money
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.programs import claims
from portal.programs import schemas as s
from sql import audit
from sql.pool import transaction
from sql.queries import Q

# Which estimate inputs each kind of program takes, and which of them it requires.
_INPUTS: dict[str, tuple[set[str], set[str]]] = {
    "event-support": ({"eligible_costs"}, {"eligible_costs"}),
    "scenario-project": ({"total_investment"}, {"total_investment"}),
    "ipo-domestic": ({"stages", "already_paid"}, {"stages"}),
    "ipo-overseas": (
        {"exchange", "raised_total", "invested_in_wuhan"},
        {"exchange", "raised_total", "invested_in_wuhan"},
    ),
    "unveiling-award": (set(), set()),
}


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


def decode_params(kind: str, params: dict[str, Any]) -> Any:
    """The program's parameters as its typed struct; a bad document is `invalid_params`."""
    try:
        return msgspec.convert(params, rules.PARAMS_BY_KIND[kind])
    except msgspec.ValidationError as exc:
        raise RuleViolation(
            "invalid_params", f"Parameters: {exc}", field="params", message_zh=f"参数不正确:{exc}"
        ) from None


def form_out(d: Definition) -> s.FormOut:
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


def documents_out(d: Definition) -> list[s.DocumentOut]:
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
        params=s.params_to_wire(row["params"]),
    )
    if row["kind"] == "defined":
        d = msgspec.convert(row["params"], Definition)
        out.form, out.documents = form_out(d), documents_out(d)
        out.estimate_inputs, out.proposal = list(d.estimate_inputs), d.workflow.proposal
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
        params=s.params_to_wire(v["params"]),
        note=v["note"],
        created_at=v["created_at"],
        created_by=v["created_by"],
        status=v["status"],
        published_at=v["published_at"],
    )


def _money(data: s.EstimateIn, field: str) -> Money:
    return parse_money(getattr(data, field), field)


async def _exchange_eligible(conn: asyncpg.Pool, code: str, on: dt.date) -> bool:
    row = await conn.fetchrow(Q.exchange_on, code, on)
    return row is not None and row["market"] == "overseas" and row["eligible"]


async def estimate(
    pool: asyncpg.Pool, code: str, raw: dict[str, Any], today: dt.date, language: str
) -> s.EstimateOut:
    row = await program_on(pool, code, today)
    if not row["effective_from"] <= today <= row["effective_to"]:
        raise policy_not_in_effect(code, today)  # the nearest version, shown but not in effect
    if row["kind"] == "defined":
        d = msgspec.convert(row["params"], Definition)
        amounts, paid = await claims.estimate_inputs(d, raw)
        award = compute(d, amounts, paid)
    else:
        award = await _classic_estimate(pool, row, code, raw, today)
    return estimate_out(award, row["version"], language)


def estimate_out(award: rules.Award, version: int, language: str) -> s.EstimateOut:
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


async def _classic_estimate(
    pool: asyncpg.Pool, row: asyncpg.Record, code: str, raw: dict[str, Any], today: dt.date
) -> rules.Award:
    """The five hand-written programs' calculators, on their fixed inputs."""
    try:
        data = msgspec.convert(raw, s.EstimateIn)
    except msgspec.ValidationError as exc:
        raise RuleViolation(
            "invalid_input", str(exc), field="$", message_zh=f"格式不正确:{exc}"
        ) from None
    kind = row["kind"]
    allowed, required = _INPUTS[kind]
    given = {f for f in data.__struct_fields__ if getattr(data, f) is not None}
    problems = [
        RuleViolation(
            "invalid_input",
            f"{f} does not apply to {code}.",
            field=f,
            message_zh=f"{code} 不需要填写 {f}。",
        )
        for f in sorted(given - allowed)
    ] + [
        RuleViolation(
            "invalid_input",
            f"{f} is required for {code}.",
            field=f,
            message_zh=f"{code} 须填写 {f}。",
        )
        for f in sorted(required - given)
    ]
    if problems:
        raise ProblemError(
            422,
            "invalid_input",
            "; ".join(p.message for p in problems),
            ";".join(p.message_zh for p in problems),
            errors=problems,
        )
    params = decode_params(kind, row["params"])
    if kind == "event-support":
        return rules.event_support_award(params, _money(data, "eligible_costs"))
    if kind == "scenario-project":
        return rules.scenario_project_award(params, _money(data, "total_investment"))
    if kind == "ipo-domestic":
        paid = _money(data, "already_paid") if data.already_paid is not None else Money.ZERO
        return rules.ipo_domestic_award(params, data.stages or [], paid)
    if kind == "ipo-overseas":
        assert data.exchange is not None
        return rules.ipo_overseas_award(
            params,
            await _exchange_eligible(pool, data.exchange, today),
            _money(data, "raised_total"),
            _money(data, "invested_in_wuhan"),
        )
    return rules.unveiling_award(params)


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


async def list_budgets(pool: asyncpg.Pool, year: int) -> s.BudgetList:
    check_year(year)
    return s.BudgetList([_budget_out(r) for r in await pool.fetch(Q.budgets_for_year, year)])


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
    async with transaction(pool) as conn:
        if await conn.fetchrow(Q.lock_program, program) is None:
            raise unknown_program(program)
        try:
            async with conn.transaction():
                row = await conn.fetchrow(Q.set_budget, program, year, allocated.fen, now)
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
            entity_id=f"{program}/{year}",
            data={
                "allocated": str(allocated),
                "previous": str(Money(row["previous_fen"]))
                if row["previous_fen"] is not None
                else None,
            },
        )
    return _budget_out(row)
