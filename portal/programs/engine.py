"""The one program engine: every application, of any program, drafted, checked, decided and
awarded from its program's definition (domain.definition). No program has code of its own.

The engine reads the facts a definition's rules ask about (the organization, its other
applications, the yearly call, the exchange table, the earlier application a claim points to)
and hands them to the pure rules; what it writes is the services' to do.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import asyncpg
import msgspec

from domain.clock import BUSINESS_TZ
from domain.definition import eligibility, fields
from domain.definition.award import Award, compute
from domain.definition.documents import missing_documents
from domain.definition.model import (
    InPolicy,
    Input,
    LinkWindow,
    ListedExchange,
    NotCombinableWith,
    RegisteredInWuhan,
    Remaining,
    Stages,
    WithinCall,
)
from domain.errors import RuleViolation
from domain.fingerprint import normalize
from domain.money import Money, fen_text
from domain.uscc import Uscc
from portal.applications.types import Draft, Flag, StoredLine
from portal.errors import ProblemError
from portal.programs.forms import Bound, Submitted, store, stored_amount, stored_value, values_of
from sql.queries import Q

_PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")


def refused(problems: list[RuleViolation]) -> ProblemError:
    return ProblemError(
        422,
        problems[0].code,
        "; ".join(p.message for p in problems),
        ";".join(p.message_zh for p in problems),
        errors=problems,
    )


def required(place: str, label: tuple[str, str]) -> RuleViolation:
    return RuleViolation(
        "required",
        f"{label[1]} is required.",
        field=place,
        message_zh=f"须填写“{label[0]}”。",
    )


# --------------------------------------------------------------------------- drafting


async def prior_of(
    conn: asyncpg.Connection, b: Bound, org_id: Any, sent: Submitted | dict[str, Any]
) -> asyncpg.Record | None:
    """The earlier application a claim points to: the organization's, recognized; None when
    the form points to none. Refused (with the reference's code) otherwise."""
    ref = next((f for f in b.form.fields if f.kind == "reference"), None)
    if ref is None or b.prior:
        return None
    given = sent.fields if isinstance(sent, Submitted) else sent
    raw = given.get(ref.name)
    place = f"{b.prefix}{ref.name}"
    if raw is None:
        raise required(place, (ref.label_zh, ref.label_en))
    values, problems = fields.read(b.form, {ref.name: raw}, b.prefix)
    if problems:
        raise problems[0]
    row = await conn.fetchrow(Q.prior_application, values[ref.name])
    if row is None or row["org_id"] != org_id or row["status"] != "recognized":
        raise RuleViolation(
            ref.refused_code or "reference_not_recognized",
            f"{ref.label_en}: one of your organization's recognized applications.",
            field=place,
            message_zh=f"{ref.label_zh}须为本单位已认定的申请。",
        )
    return row


def title_of(b: Bound, values: dict[str, fields.Value], prior: asyncpg.Record | None) -> str:
    """An application's title: its title template filled in (a choice by its name, never its
    code), or its title field."""
    d = b.definition
    if b.prior:
        name = b.form.title_field
        return str(values.get(name, "")) if name else ""
    if d.title is None:
        return str(values.get(d.title_field, "")) if d.title_field else ""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("prior."):
            if prior is None:
                return ""
            key = name.removeprefix("prior.")
            return str(
                prior["title"] if key == "title" else stored_value(prior["payload"], key) or ""
            )
        got = values.get(name)
        f = b.form.field(name)
        named = {o.value: o.label_zh for o in f.options} if f is not None else {}
        if isinstance(got, tuple):  # chosen options by their names, in the form's order
            chosen = [str(x) for x in got]
            return "、".join(label for value, label in named.items() if value in chosen)
        return "" if got is None else named.get(str(got), str(got))

    return " ".join(_PLACEHOLDER.sub(value, d.title).split())


def subject_of(b: Bound, values: dict[str, fields.Value]) -> str:
    """What makes two applications the same thing (不重复享受): the thing the form names."""
    name = b.form.title_field
    return str(values.get(name, "")) if name else ""


def _lines(b: Bound, values: dict[str, fields.Value]) -> list[StoredLine]:
    f = b.lines_field
    rows = fields.lines(values.pop(f.name, ())) if f is not None else ()
    return [
        StoredLine(
            kind=b.line_kind,
            category=x.category,
            description=x.description,
            amount=x.amount,
            invoice_numbers=x.invoice_numbers,
            document_ids=x.document_ids,
        )
        for x in rows
        if isinstance(x, fields.Line)
    ]


def reads_nothing(b: Bound) -> bool:
    """Whether `draft` reads nothing on this form: no earlier application to find, and no award
    that depends on what the organization claimed or was paid before."""
    steps = () if b.prior else b.definition.award
    return all(f.kind != "reference" for f in b.form.fields) and not any(
        isinstance(s, Stages | Remaining) for s in steps
    )


async def draft(conn: asyncpg.Connection, b: Bound, org_id: Any, sent: Submitted) -> Draft:
    """The payload as stored, read against its form; a claim's amount as asked so far."""
    values, problems = fields.read(b.form, sent.fields, b.prefix)
    if problems:
        raise refused(problems)
    prior = await prior_of(conn, b, org_id, sent)
    title = title_of(b, values, prior)
    subject = subject_of(b, values)
    stored = store(b, values, sent)
    lines = _lines(b, values)
    requested = None
    if not b.prior:
        try:
            chosen, taken, paid = await _history(conn, b, org_id, None, values)
            found = amounts(b, values, lines)
            requested = compute(b.definition, found, paid, chosen, taken, b.article).amount
        except RuleViolation:
            requested = None  # not enough filled in yet to say
    version = prior["program_version"] if prior is not None else b.version
    return Draft(
        title,
        stored,
        lines,
        version,
        prior["id"] if prior is not None else None,
        amount_requested=requested,
        subject=subject,
    )


def amounts(
    b: Bound,
    values: dict[str, fields.Value],
    lines: list[StoredLine],
    approved: dict[str, int] | None = None,
) -> dict[str, Money]:
    """What the award and the rules read: money fields (as approved by the reviewer, where one
    was), and the lines' total (of the approved amounts, once reviewed)."""
    given = approved or {}
    out = {
        k: Money(given[k]) if k in given else v for k, v in values.items() if isinstance(v, Money)
    }
    f = b.lines_field
    if f is not None and lines:
        out[f.name] = sum(
            (x.approved if x.approved is not None else x.amount for x in lines), Money.ZERO
        )
    return out


async def _history(
    conn: asyncpg.Connection,
    b: Bound,
    org_id: Any,
    app_id: Any,
    values: dict[str, fields.Value],
) -> tuple[dict[str, tuple[str, ...]], frozenset[str], Money]:
    """What the organization's other applications of the program hold: the stages claimed in
    its live ones, and what it was awarded for the same thing."""
    d = b.definition
    steps = [s for s in d.award if isinstance(s, Stages)]
    taken: set[str] = set()
    if steps:
        for row in await conn.fetch(Q.live_of_program_for_org_rows, b.code, org_id, app_id):
            for s in steps:
                taken.update(stored_value(row["payload"], s.field) or ())
    paid = Money.ZERO
    if any(isinstance(s, Remaining) for s in d.award):
        key = b.form.title_field
        subject = normalize(str(values.get(key, ""))) if key else ""
        rows = await conn.fetch(Q.awarded_in_program, b.code, org_id, app_id, key or "")
        paid = Money(
            sum(r["amount_fen"] for r in rows if not key or normalize(r["named"] or "") == subject)
        )
    return fields.chosen(values), frozenset(taken), paid


# --------------------------------------------------------------------------- checking


async def _facts(
    conn: asyncpg.Connection,
    b: Bound,
    app: asyncpg.Record,
    values: dict[str, fields.Value],
    found: dict[str, Money],
    today: dt.date,
    prior: asyncpg.Record | None,
    counts_in: int,
) -> eligibility.Facts:
    """What the form's rules ask about, read for this application (only what they ask: a rule
    absent is a read saved); `prior` is the earlier application it points to, already read;
    `counts_in` the calendar year the application counts in."""
    rules = b.form.eligibility
    given: dict[str, Any] = {}
    if any(isinstance(r, RegisteredInWuhan) for r in rules):
        org = await conn.fetchrow(Q.org_by_id, app["org_id"])
        given["registered_in_wuhan"] = Uscc(org["uscc"]).registered_in_wuhan
    for rule in rules:
        if isinstance(rule, WithinCall):
            year = values.get(rule.year_field) if rule.year_field else today.year
            given["call_year"] = year if isinstance(year, int) else None
            row = await conn.fetchrow(Q.call_of, b.code, year) if given["call_year"] else None
            given["call"] = (row["opens_on"], row["closes_on"]) if row else None
        elif isinstance(rule, ListedExchange):
            code, on = values.get(rule.field), values.get(rule.on)
            if isinstance(code, str) and isinstance(on, dt.date):
                row = await conn.fetchrow(Q.exchange_on, code, on)
                market = row is not None and row["market"] == rule.market
                given["exchange_eligible"] = market and row["eligible"]
    if any(isinstance(r, NotCombinableWith) for r in rules):
        rows = await conn.fetch(Q.org_live_programs, app["org_id"], app["id"])
        given["other_programs"] = frozenset(r["program_code"] for r in rows)
    if any(isinstance(r, InPolicy) for r in rules):
        window = await conn.fetchrow(Q.version_window, b.code, b.version)
        given["policy"] = (window["effective_from"], window["effective_to"])
    if prior is not None and any(isinstance(r, LinkWindow) for r in rules):
        given["linked"] = dict(prior["payload"])
    return eligibility.Facts(
        registered_in_wuhan=given.pop("registered_in_wuhan", True),
        today=today,
        year=counts_in,
        live={
            eligibility.live_key(rule): await _live(conn, b, app, rule, values)
            for rule in eligibility.live_rules(b.form)
        },
        amounts=found,
        values=values,
        prefix=b.prefix,
        **given,
    )


async def _live(
    conn: asyncpg.Connection,
    b: Bound,
    app: asyncpg.Record,
    rule: eligibility.Counted,
    values: dict[str, fields.Value],
) -> tuple[int, ...]:
    """The years the other live applications for the same thing were submitted in."""
    if rule.per == "organization":
        rows = await conn.fetch(Q.live_of_program_for_org, b.code, app["org_id"], app["id"])
        return tuple(r["year"] for r in rows)
    # The same thing as people would call it the same, whoever applied (or only this one).
    same = normalize(str(values.get(rule.per, "")))
    org = app["org_id"] if rule.among == "organization" else None
    named = await conn.fetch(Q.live_of_program_naming, b.code, rule.per, app["id"], org)
    return tuple(r["year"] for r in named if normalize(r["named"] or "") == same)


def _values_and_lines(
    b: Bound, app: asyncpg.Record, lines: list[StoredLine]
) -> dict[str, fields.Value]:
    values = values_of(b, app["payload"], app["filing_id"])
    f = b.lines_field
    if f is not None and lines:
        values[f.name] = tuple(
            fields.Line(x.category, x.description, x.amount, x.invoice_numbers, x.document_ids)
            for x in lines
        )
    return values


def _link(b: Bound, app: asyncpg.Record) -> dict[str, Any]:
    """The earlier application a stored claim points to, as a body names it."""
    link = app["filing_id"]
    return {f.name: str(link) for f in b.form.fields if f.kind == "reference" and link}


async def check_submit(
    conn: asyncpg.Connection, b: Bound, app: asyncpg.Record, lines: list[StoredLine], today: dt.date
) -> list[RuleViolation]:
    """Every reason the application may not be submitted today."""
    await conn.execute(Q.lock_org, app["org_id"])  # one firm's applications judged one at a time
    values = _values_and_lines(b, app, lines)
    problems = fields.at_submit(b.form, values, b.prefix)
    prior = None
    try:
        prior = await prior_of(conn, b, app["org_id"], _link(b, app))
    except RuleViolation as v:
        problems.append(v)
    found = amounts(b, values, lines)
    facts = await _facts(conn, b, app, values, found, today, prior, today.year)
    problems += eligibility.violations(b.form, facts)
    if not problems and not b.prior:
        try:
            chosen, taken, paid = await _history(conn, b, app["org_id"], app["id"], values)
            compute(b.definition, found, paid, chosen, taken, b.article)
        except RuleViolation as v:
            problems.append(v)
    return problems


async def check_decision(
    conn: asyncpg.Connection, b: Bound, app: asyncpg.Record, lines: list[StoredLine], today: dt.date
) -> None:
    """The rules again at approval, less those of the calendar; an earlier application is not
    recognized once its day to lapse has come."""
    values = _values_and_lines(b, app, lines)
    lapses = getattr(b.form, "lapses_on", None)
    day = values.get(lapses) if lapses else None
    if isinstance(day, dt.date) and today >= day:
        raise RuleViolation(
            "filing_lapsed",
            f"{day} has come: the application can no longer be recognized.",
            message_zh=f"已到 {day},该申请不能再予认定。",
            status=409,
        )
    problems = fields.at_submit(b.form, values, b.prefix)
    prior = await prior_of(conn, b, app["org_id"], _link(b, app))
    # The rules read the figures as the applicant gave them; the reviewer's cuts are the award's.
    found = amounts(b, values, [msgspec.structs.replace(x, approved=None) for x in lines])
    # It counts in the year it was submitted in, whenever it is decided.
    submitted = app["submitted_at"]
    year = submitted.astimezone(BUSINESS_TZ).year if submitted else today.year
    facts = await _facts(conn, b, app, values, found, today, prior, year)
    problems += eligibility.at_decision(b.form, facts)
    if problems:
        raise problems[0]


async def award(
    conn: asyncpg.Connection,
    b: Bound,
    app: asyncpg.Record,
    lines: list[StoredLine],
) -> Award | None:
    """The award at approval, from the lines and amounts as the reviewer approved them; None
    for an earlier application, which is recognized, not paid."""
    if b.prior:
        return None
    values = values_of(b, app["payload"], app["filing_id"])
    found = amounts(b, values, lines, app["payload"].get("approved") or {})
    chosen, taken, paid = await _history(conn, b, app["org_id"], app["id"], values)
    return compute(b.definition, found, paid, chosen, taken, b.article)


async def flags(
    conn: asyncpg.Connection, b: Bound, app: asyncpg.Record, lines: list[StoredLine]
) -> list[Flag]:
    """What a reviewer must look at: invoices used in other claims, a follow-up below its
    share."""
    out: list[Flag] = []
    numbers = sorted({n for line in lines for n in line.invoice_numbers})
    if numbers:
        rows = await conn.fetch(Q.invoices_used_elsewhere, numbers, app["id"])
        out += [
            Flag(
                "duplicate_invoice",
                f"Invoice {r['number']} is also in application {r['reference'] or r['id']}.",
                f"发票号 {r['number']} 也出现在申请 {r['reference'] or r['id']} 中。",
                [str(r["id"])],
            )
            for r in rows
        ]
    if not b.prior and b.definition.workflow.follow_up is not None:
        out += [
            Flag(
                "recovery_due",
                f"Follow-up {r['year']}: below the required share; recover the award.",
                f"{r['year']} 年度跟踪:未达到要求的比例,应追回奖励。",
                [],
            )
            for r in await conn.fetch(Q.follow_ups_due, app["id"])
        ]
    return out


def missing_docs(b: Bound, app: asyncpg.Record) -> list[RuleViolation]:
    return missing_documents(b.form.documents, app["payload"].get("documents", []))


def experts(b: Bound) -> int:
    return 0 if b.prior else b.definition.workflow.experts


def publicized(b: Bound) -> bool:
    return b.definition.workflow.publicity


async def call_closes_on(conn: asyncpg.Connection, b: Bound, app: asyncpg.Record) -> dt.date | None:
    """The last day of the yearly call a draft belongs to, if it belongs to one."""
    rule = next((r for r in b.form.eligibility if isinstance(r, WithinCall)), None)
    if rule is None:
        return None
    year = stored_value(app["payload"], rule.year_field) if rule.year_field else None
    year = year if isinstance(year, int) else app["created_at"].year
    call = await conn.fetchrow(Q.call_of, b.code, year)
    return call["closes_on"] if call else None


async def approve_fields(
    conn: asyncpg.Connection, b: Bound, app: asyncpg.Record, approved: dict[str, Money]
) -> dict[str, Any]:
    """The reviewer's approved amounts of money fields the award reads, each at most what was
    asked; kept beside the asked ones (the award reads the approved)."""
    reads = {s.field for s in b.definition.award if isinstance(s, Input)}
    problems = []
    for name, amount in approved.items():
        f = b.form.field(name)
        asked = stored_amount(app["payload"], name)
        if b.prior or f is None or f.kind != "money" or asked is None or name not in reads:
            problems.append(
                RuleViolation(
                    "invalid_input",
                    f"{name} is not an amount this application asked for.",
                    field=f"approved_fields.{name}",
                    message_zh=f"{name} 不是本申请填报的金额字段。",
                )
            )
        elif amount.fen > asked:
            problems.append(
                RuleViolation(
                    "invalid_input",
                    f"At most the amount asked for ({fen_text(asked)}).",
                    field=f"approved_fields.{name}",
                    message_zh=f"核定金额不能超过申请金额({fen_text(asked)}元)。",
                )
            )
    if problems:
        raise refused(problems)
    await conn.execute(Q.set_approved_fields, app["id"], {k: v.fen for k, v in approved.items()})
    return {"approved_fields": {k: str(v) for k, v in approved.items()}}
