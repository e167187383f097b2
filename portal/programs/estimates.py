"""The public calculator: a program's award on the inputs its definition names, with the rules
that those inputs alone decide (a minimum, a share, an eligible exchange) checked as at
submission. What was already paid comes in as `already_paid` where a total is shared."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from domain.definition import eligibility, fields
from domain.definition.award import Award, compute
from domain.definition.model import ALREADY_PAID, Definition, ListedExchange
from domain.errors import RuleViolation
from domain.money import Money, parse_money
from portal.programs.engine import refused
from sql.queries import Q


def _bad(name: str, en: str, zh: str) -> RuleViolation:
    return RuleViolation("invalid_input", en, field=name, message_zh=zh)


async def estimate_award(
    conn: asyncpg.Connection | asyncpg.Pool,
    d: Definition,
    raw: dict[str, Any],
    today: dt.date,
    article: str = "",
) -> Award:
    stands_for = d.estimate_names()
    problems = [
        _bad(name, f"{name} does not apply to this program.", f"该项目不需要填写 {name}。")
        for name in sorted(set(raw) - set(stands_for))
    ]
    for name in sorted(set(stands_for) - set(raw) - {ALREADY_PAID}):
        f = d.field(stands_for[name])
        label = (f.label_zh, f.label_en) if f else (name, name)
        problems.append(_bad(name, f"{label[1]} is required.", f"须填写{label[0]}。"))
    amounts: dict[str, Money] = {}
    values: dict[str, fields.Value] = {}
    paid = Money.ZERO
    for name in sorted(set(stands_for) & set(raw)):
        field_name = stands_for[name]
        f = d.field(field_name)
        try:
            if name == ALREADY_PAID:
                paid = parse_money(raw[name], name)
            elif f is not None and f.kind == "lines":
                amounts[field_name] = parse_money(raw[name], name)
            else:
                read, found = fields.read(d, {field_name: raw[name]}, "")
                for v in found:
                    v.field = name  # the calculator's own name for it
                problems += found
                values.update(read)
        except RuleViolation as v:
            v.field = name
            problems.append(v)
    if problems:
        raise refused(problems)
    amounts |= {k: v for k, v in values.items() if isinstance(v, Money)}
    chosen = fields.chosen(values)
    facts = eligibility.Facts(
        registered_in_wuhan=True,
        today=today,
        amounts=amounts,
        values=values,
        exchange_eligible=await _exchange(conn, d, values, today),
        prefix="",
    )
    said = eligibility.on_values(d, facts)
    if said:
        raise refused(said)
    return compute(d, amounts, paid, chosen, article=article)


async def _exchange(
    conn: asyncpg.Connection | asyncpg.Pool,
    d: Definition,
    values: dict[str, fields.Value],
    today: dt.date,
) -> bool | None:
    """An exchange rule's answer on the code given, as of today (the listing is to come)."""
    for rule in d.eligibility:
        if isinstance(rule, ListedExchange) and isinstance(values.get(rule.field), str):
            row = await conn.fetchrow(Q.exchange_on, values[rule.field], today)
            return row is not None and row["market"] == rule.market and row["eligible"]
    return None
