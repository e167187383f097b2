"""A claim on a program defined as data (`type: "program_claim"`): its fields read against the
version's form, its documents against the checklist, its eligibility and award from the
definition. One handler serves every such program; none needs code of its own.

Stored, the payload says what it holds: the fields (money in fen), which of them are money, and
which one is the lines (kept as rows), so it reads back without its definition.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any

import asyncpg
import msgspec

from domain.definition import eligibility, fields
from domain.definition.award import compute
from domain.definition.model import ALREADY_PAID, Definition, DocumentRequirement
from domain.errors import RuleViolation
from domain.event_support import ReviewedLine
from domain.fingerprint import normalize
from domain.money import Money, fen_text, parse_money
from domain.programs import Award
from domain.uscc import Uscc
from portal.applications.payee import Payee
from portal.applications.payloads import Documents, In
from portal.applications.types import Draft, StoredLine, TypeHandler, line_to_wire
from portal.errors import ProblemError
from sql.queries import Q

ProgramCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
FieldName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class ProgramClaim(In, tag="program_claim", tag_field="type"):
    """Drafts may leave fields empty; submission requires the form's required ones."""

    program_code: ProgramCode
    fields: Annotated[dict[FieldName, Any], msgspec.Meta(max_length=60)] = msgspec.field(
        default_factory=dict
    )
    payee: Payee | None = None
    documents: Documents = msgspec.field(default_factory=list)


async def definition_of(
    conn: asyncpg.Connection | asyncpg.Pool, code: str, version: int
) -> Definition:
    """A version's definition, as its application was started under."""
    row = await conn.fetchrow(Q.definition_text, code, version)
    if row is None or row["kind"] != "defined":
        raise ProblemError(
            404,
            "unknown_program",
            f"{code} is not a program defined as data.",
            f"{code} 不是以数据定义的项目。",
        )
    return decoded(row["params"])


@functools.lru_cache(maxsize=256)
def decoded(text: str) -> Definition:
    """A definition from its stored text, decoded once per text: keyed by the content itself,
    it cannot go stale (and a published version's text never changes)."""
    return msgspec.json.decode(text, type=Definition)


def _refused(problems: list[RuleViolation]) -> ProblemError:
    return ProblemError(
        422,
        problems[0].code,
        "; ".join(p.message for p in problems),
        ";".join(p.message_zh for p in problems),
        errors=problems,
    )


def _values(d: Definition, stored: dict[str, Any]) -> dict[str, fields.Value]:
    """The stored fields typed again (they were checked when written)."""
    wire = {
        k: (fen_text(v) if k in stored.get("money", ()) else v) for k, v in stored["fields"].items()
    }
    values, _ = fields.read(d, wire)
    return values


def _amounts(
    d: Definition,
    values: dict[str, fields.Value],
    lines: list[StoredLine],
    approved: dict[str, int],
) -> dict[str, Money]:
    """What the award and the rules read: money fields (as approved by the reviewer, where one
    was), and the lines field's total (of the approved amounts)."""
    out = {
        k: Money(approved[k]) if k in approved else v
        for k, v in values.items()
        if isinstance(v, Money)
    }
    lines_field = d.lines_field
    if lines_field is not None and lines:
        out[lines_field.name] = sum(
            (x.approved if x.approved is not None else x.amount for x in lines), Money.ZERO
        )
    return out


LINE_KEYS = frozenset({"category", "description", "amount", "approved_amount", "cut_reason"})


class ProgramClaimHandler(TypeHandler):
    type = "program_claim"
    program_code = ""  # each claim names its program
    payload_type = ProgramClaim
    line_kind = "expense"

    def program_of(self, payload: msgspec.Struct) -> str:
        assert isinstance(payload, ProgramClaim)
        return payload.program_code

    def lines_name(self, payload: dict[str, Any]) -> str | None:
        return payload.get("lines")

    async def _definition(self, conn: asyncpg.Connection, app: asyncpg.Record) -> Definition:
        return await definition_of(conn, app["program_code"], app["program_version"])

    async def call_closes_on(
        self, conn: asyncpg.Connection, app: asyncpg.Record, today: dt.date
    ) -> dt.date | None:
        d = await self._definition(conn, app)
        if not d.workflow.yearly_call:
            return None
        call = await conn.fetchrow(Q.call_of, app["program_code"], today.year)
        return call["closes_on"] if call else None

    async def required_documents(
        self, conn: asyncpg.Connection, app: asyncpg.Record
    ) -> tuple[DocumentRequirement, ...]:
        return (await self._definition(conn, app)).documents

    async def experts(self, conn: asyncpg.Connection, app: asyncpg.Record) -> int:
        return (await self._definition(conn, app)).workflow.experts

    async def publicized(self, conn: asyncpg.Connection, app: asyncpg.Record) -> bool:
        return (await self._definition(conn, app)).workflow.publicity

    async def approve_fields(
        self, conn: asyncpg.Connection, app: asyncpg.Record, approved: dict[str, Money]
    ) -> dict[str, Any]:
        """Each approved amount is of a money field the applicant filled, at most what was
        asked; kept beside the claimed ones (the award reads the approved)."""
        d = await self._definition(conn, app)
        stored = app["payload"]["fields"]
        problems = []
        for name, amount in approved.items():
            f = d.field(name)
            if f is None or f.kind != "money" or name not in stored:
                problems.append(
                    RuleViolation(
                        "invalid_input",
                        f"{name} is not an amount this claim asked for.",
                        field=f"approved_fields.{name}",
                        message_zh=f"{name} 不是本申请填报的金额字段。",
                    )
                )
            elif amount.fen > stored[name]:
                problems.append(
                    RuleViolation(
                        "invalid_input",
                        f"At most the amount asked for ({fen_text(stored[name])}).",
                        field=f"approved_fields.{name}",
                        message_zh=f"核定金额不能超过申请金额({fen_text(stored[name])}元)。",
                    )
                )
        if problems:
            raise _refused(problems)
        await conn.execute(
            Q.set_approved_fields, app["id"], {k: v.fen for k, v in approved.items()}
        )
        return {"approved_fields": {k: str(v) for k, v in approved.items()}}

    async def draft(
        self, conn: asyncpg.Connection, org: asyncpg.Record, version: int, payload: Any
    ) -> Draft:
        in_effect = org.get("program_version") == version and org.get("program_kind") == "defined"
        d = (  # the context read it with the organization, when it is the version in effect
            decoded(org["program_params"])
            if in_effect
            else await definition_of(conn, payload.program_code, version)
        )
        values, problems = fields.read(d, payload.fields)
        if problems:
            raise _refused(problems)
        lines_field = d.lines_field
        rows = values.pop(lines_field.name, ()) if lines_field is not None else ()
        assert isinstance(rows, tuple)
        lines = [
            StoredLine(
                kind=self.line_kind, category=x.category, description=x.description, amount=x.amount
            )
            for x in rows
            if isinstance(x, fields.Line)
        ]
        stored: dict[str, Any] = {
            "program_code": payload.program_code,
            "fields": fields.to_store(values),
            "money": sorted(k for k, v in values.items() if isinstance(v, Money)),
            "lines": lines_field.name if lines_field is not None else None,
            "documents": msgspec.to_builtins(payload.documents),
        }
        if payload.payee is not None:
            stored["payee"] = msgspec.to_builtins(payload.payee)
        title = str(values.get(d.title_field, "")) if d.title_field else ""
        try:
            requested: Money | None = compute(d, _amounts(d, values, lines, {})).amount
        except RuleViolation:
            requested = None  # not enough filled in yet to say
        return Draft(
            title,
            stored,
            lines,
            version,
            amount_requested=requested,
            subject=title,  # 不重复享受: the thing named, or nothing to compare
        )

    def wire(self, payload: dict[str, Any]) -> dict[str, Any]:
        money = set(payload.get("money", ()))
        out: dict[str, Any] = {
            "program_code": payload["program_code"],
            "fields": {k: fen_text(v) if k in money else v for k, v in payload["fields"].items()},
            "documents": payload.get("documents", []),
        }
        if payload.get("payee"):
            out["payee"] = payload["payee"]
        if payload.get("approved"):
            out["approved_fields"] = {k: fen_text(v) for k, v in payload["approved"].items()}
        return out

    def with_lines(
        self, stored: dict[str, Any], wire: dict[str, Any], lines: list[dict[str, Any]]
    ) -> dict[str, Any]:
        name = stored.get("lines")
        if name:  # a defined program's line has no invoices nor per-line documents
            wire["fields"][name] = [{k: v for k, v in x.items() if k in LINE_KEYS} for x in lines]
        return wire

    def join(self, payload: dict[str, Any], lines: list[StoredLine]) -> msgspec.Struct:
        wire = self.with_lines(
            payload, self.wire(payload), [line_to_wire(x, reviewed=False) for x in lines]
        )
        wire.pop("approved_fields", None)
        return msgspec.convert(wire, ProgramClaim)

    async def _facts(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        d: Definition,
        amounts: dict[str, Money],
        today: dt.date,
    ) -> eligibility.Facts:
        org = await conn.fetchrow(Q.org_by_id, app["org_id"])
        code = app["program_code"]
        call = await conn.fetchrow(Q.call_of, code, today.year)
        live: dict[str, int] = {}
        stored = app["payload"]["fields"]
        for key in eligibility.keys(d):
            if key == "organization":
                live[key] = await conn.fetchval(
                    Q.live_of_program_for_org, code, app["org_id"], app["id"]
                )
            else:  # the same thing whoever applies, as people would call it the same
                same = normalize(str(stored.get(key, "")))
                named = await conn.fetch(Q.live_of_program_naming, code, key, app["id"])
                live[key] = sum(1 for r in named if normalize(r["named"] or "") == same)
        others = {
            r["program_code"]
            for r in await conn.fetch(Q.org_live_programs, app["org_id"], app["id"])
        }
        return eligibility.Facts(
            registered_in_wuhan=Uscc(org["uscc"]).registered_in_wuhan,
            call_open=call is not None and call["opens_on"] <= today <= call["closes_on"],
            live=live,
            other_programs=frozenset(others),
            amounts=amounts,
        )

    async def check_submit(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> list[RuleViolation]:
        await conn.execute(Q.lock_org, app["org_id"])  # one firm's claims judged one at a time
        d = await definition_of(conn, app["program_code"], app["program_version"])
        values = _values(d, app["payload"])
        if d.lines_field is not None and lines:
            values[d.lines_field.name] = tuple(
                fields.Line(x.category, x.description, x.amount) for x in lines
            )
        problems = fields.missing(d, values)
        amounts = _amounts(d, values, lines, {})
        problems += eligibility.violations(d, await self._facts(conn, app, d, amounts, today))
        if not problems:
            try:
                compute(d, amounts, await self._paid(conn, app, d))
            except RuleViolation as v:
                problems.append(v)
        return problems

    async def _paid(self, conn: asyncpg.Connection, app: asyncpg.Record, d: Definition) -> Money:
        """What the organization was already awarded in this program for the same thing."""
        key = d.title_field
        subject = normalize(str(app["payload"]["fields"].get(key, ""))) if key else ""
        rows = await conn.fetch(
            Q.awarded_in_program, app["program_code"], app["org_id"], app["id"], key or ""
        )
        return Money(
            sum(r["amount_fen"] for r in rows if not key or normalize(r["named"] or "") == subject)
        )

    async def award(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        reviewed: list[ReviewedLine],
    ) -> Award | None:
        d = await definition_of(conn, app["program_code"], app["program_version"])
        values = _values(d, app["payload"])
        lines = [
            StoredLine(
                kind=self.line_kind,
                category="",
                description="",
                amount=r.claimed,
                approved=r.approved,
            )
            for r in reviewed
        ]
        amounts = _amounts(d, values, lines, app["payload"].get("approved") or {})
        return compute(d, amounts, await self._paid(conn, app, d))


async def estimate_inputs(d: Definition, raw: dict[str, Any]) -> tuple[dict[str, Money], Money]:
    """The calculator's inputs: only those the definition asks for, each checked as its field
    is; a lines field is given as its total. Returns the amounts and what was already paid."""
    problems: list[RuleViolation] = []
    wanted = set(d.estimate_inputs)
    for name in sorted(set(raw) - wanted):
        problems.append(
            RuleViolation(
                "invalid_input",
                f"{name} does not apply to this program.",
                field=name,
                message_zh=f"该项目不需要填写 {name}。",
            )
        )
    for name in sorted(wanted - set(raw) - {ALREADY_PAID}):
        f = d.field(name)
        problems.append(
            RuleViolation(
                "invalid_input",
                f"{f.label_en if f else name} is required.",
                field=name,
                message_zh=f"须填写{f.label_zh if f else name}。",
            )
        )
    amounts: dict[str, Money] = {}
    paid = Money.ZERO
    for name in sorted(wanted & set(raw)):
        f = d.field(name)
        try:
            if name == ALREADY_PAID:
                paid = parse_money(raw[name], name)
            elif f is not None and f.kind == "lines":
                amounts[name] = parse_money(raw[name], name)
            else:
                values, found = fields.read(d, {name: raw[name]})
                problems += [_renamed(v, name) for v in found]
                value = values.get(name)
                if isinstance(value, Money):
                    amounts[name] = value
        except RuleViolation as v:
            problems.append(_renamed(v, name))
    if problems:
        raise _refused(problems)
    return amounts, paid


def _renamed(v: RuleViolation, name: str) -> RuleViolation:
    v.field = name  # the calculator's inputs are named without the form's `fields.`
    return v
