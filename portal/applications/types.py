"""What each application type adds to the shared lifecycle: its payload, lines and rules."""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar
from uuid import UUID

import asyncpg
import msgspec

from domain.definition.model import DocumentRequirement
from domain.errors import RuleViolation
from domain.event_support import ReviewedLine
from domain.money import Money, parse_money
from domain.programs import Award
from domain.scenario import check_scores
from sql.queries import Q


class StoredLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line as stored. A msgspec Struct: made ten times per request, at a tenth of the cost
    of a frozen dataclass (3.2 µs each)."""

    kind: str
    category: str
    description: str
    amount: Money
    invoice_numbers: tuple[str, ...] = ()
    document_ids: tuple[UUID, ...] = ()
    approved: Money | None = None
    cut_reason: str | None = None


@dataclass
class Draft:
    """A payload as the database keeps it: fields as JSON, lines as rows, money in fen."""

    title: str
    payload: dict[str, Any]
    lines: list[StoredLine]
    program_version: int | None  # None: the version in effect when it is written
    filing_id: UUID | None = None
    amount_requested: Money | None = None
    subject: str | None = None  # 不重复享受's "the thing"; None: the handler's subject()


@dataclass(frozen=True, slots=True)
class Flag:
    """Something a reviewer must look at; it does not block."""

    code: str
    message: str
    message_zh: str
    related: list[str] = field(default_factory=list)


class TypeHandler:
    """Defaults shared by the types; each subclass names its payload and overrides its rules."""

    type: ClassVar[str]
    program_code: ClassVar[str]
    payload_type: ClassVar[builtins.type[msgspec.Struct]]
    lines_field: ClassVar[str | None] = None
    # A claim that pays money names its payee (its payload has `payee`); a filing pays nothing.
    pays: ClassVar[bool] = True
    line_kind: ClassVar[str] = "expense"
    # Payload money kept as `<name>_fen` integers in the database, yuan strings on the wire.
    money_fields: ClassVar[frozenset[str]] = frozenset()
    # The checklist of documents; submit refuses a claim missing a required one.
    documents: ClassVar[tuple[DocumentRequirement, ...]] = ()

    # --- shape -------------------------------------------------------------------------
    def split(self, payload: msgspec.Struct) -> tuple[dict[str, Any], list[StoredLine]]:
        data = msgspec.to_builtins(payload)
        data.pop("type", None)
        for name in self.money_fields:
            if data.get(name) is not None:
                data[f"{name}_fen"] = parse_money(data.pop(name), name).fen
            else:
                data.pop(name, None)
        raw_lines = data.pop(self.lines_field, []) if self.lines_field else []
        lines = [
            StoredLine(
                kind=self.line_kind,
                category=line["category"],
                description=line.get("description", ""),
                amount=parse_money(line["amount"], f"{self.lines_field}.{i}.amount"),
                invoice_numbers=tuple(line.get("invoice_numbers", ())),
                document_ids=tuple(UUID(d) for d in line.get("document_ids", ())),
            )
            for i, line in enumerate(raw_lines)
        ]
        return data, lines

    def wire(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The stored payload as the API shows it."""
        out = dict(payload)
        for name in self.money_fields:
            if f"{name}_fen" in out:
                out[name] = str(Money(out.pop(f"{name}_fen")))
        return out

    def join(self, payload: dict[str, Any], lines: list[StoredLine]) -> msgspec.Struct:
        wire = self.wire(payload)
        if self.lines_field:
            wire[self.lines_field] = [line_to_wire(line, reviewed=False) for line in lines]
        return msgspec.convert(wire, self.payload_type)

    def program_of(self, payload: msgspec.Struct) -> str:
        """The program an application of this type is for (a claim on a program defined as
        data names its own)."""
        return self.program_code

    def lines_name(self, payload: dict[str, Any]) -> str | None:
        """Where a stored payload's lines show on the wire."""
        return self.lines_field

    def with_lines(
        self, stored: dict[str, Any], wire: dict[str, Any], lines: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """The wire payload with its lines put in."""
        if self.lines_field:
            wire[self.lines_field] = lines
        return wire

    def title(self, payload: msgspec.Struct) -> str:
        return str(getattr(payload, "title", None) or "")

    def subject(self, payload: msgspec.Struct) -> str:
        """What makes two applications "the same thing" for 不重复享受 (see domain.fingerprint)."""
        return self.title(payload)

    # --- rules -------------------------------------------------------------------------
    async def draft(
        self, conn: asyncpg.Connection, org: asyncpg.Record, version: int, payload: msgspec.Struct
    ) -> Draft:
        """The payload as stored, under `version` of the program (the one in effect today)."""
        raise NotImplementedError

    def draft_unread(self, payload: msgspec.Struct) -> Draft | None:
        """`draft` for a type that needs nothing from the database to make one: no version yet
        (the write takes the one in effect). None: this type must read first."""
        return None

    async def check_submit(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: msgspec.Struct,
        lines: list[StoredLine],
        today: dt.date,
    ) -> list[RuleViolation]:
        return []

    async def check_approve(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: msgspec.Struct,
        lines: list[StoredLine],
        today: dt.date,
    ) -> None:
        violations = await self.check_submit(conn, app, payload, lines, today)
        if violations:
            raise violations[0]

    async def call_closes_on(
        self, conn: asyncpg.Connection, app: asyncpg.Record, today: dt.date
    ) -> dt.date | None:
        """The last day of the yearly call a draft belongs to, if it belongs to one."""
        return None

    async def required_documents(
        self, conn: asyncpg.Connection, app: asyncpg.Record
    ) -> tuple[DocumentRequirement, ...]:
        return self.documents

    async def experts(self, conn: asyncpg.Connection, app: asyncpg.Record) -> int:
        """How many expert scores an application of this type needs before a pass (0: none)."""
        return 0

    async def publicized(self, conn: asyncpg.Connection, app: asyncpg.Record) -> bool:
        """Whether an approved award is announced (公示) before it is confirmed and paid."""
        return True

    async def approve_fields(
        self, conn: asyncpg.Connection, app: asyncpg.Record, approved: dict[str, Money]
    ) -> dict[str, Any]:
        """The reviewer's approved amounts of the applicant's money fields (a program whose
        award is an amount asked for within limits); what the decision records."""
        raise RuleViolation(
            "invalid_input",
            "This application has no amounts to approve field by field.",
            field="approved_fields",
            message_zh="该申请没有可逐项核定的金额。",
        )

    async def check_pass(self, conn: asyncpg.Connection, app: asyncpg.Record) -> None:
        """Anything the reviewer's pass needs besides the lifecycle (e.g. expert scores)."""
        needed = await self.experts(conn, app)
        if needed:
            check_scores(await conn.fetchval(Q.scores_count, app["id"]), needed)

    async def award(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: msgspec.Struct,
        reviewed: list[ReviewedLine],
    ) -> Award | None:
        """The award computed at approval; None for a filing, which is recognized, not paid."""
        return None

    async def flags(
        self, conn: asyncpg.Connection, app: asyncpg.Record, lines: list[StoredLine]
    ) -> list[Flag]:
        return []


def line_to_wire(line: StoredLine, *, reviewed: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "category": line.category,
        "description": line.description,
        "amount": str(line.amount),
        "document_ids": [str(d) for d in line.document_ids],
    }
    if line.kind == "expense":
        out["invoice_numbers"] = list(line.invoice_numbers)
    if reviewed and line.approved is not None:
        out["approved_amount"] = str(line.approved)
        if line.cut_reason:
            out["cut_reason"] = line.cut_reason
    return out


def lines_from_rows(rows: list[asyncpg.Record]) -> list[StoredLine]:
    return [
        StoredLine(
            kind=r["kind"],
            category=r["category"],
            description=r["description"],
            amount=Money(r["amount_fen"]),
            invoice_numbers=tuple(r["invoice_numbers"]),
            document_ids=tuple(r["document_ids"]),
            approved=Money(r["approved_fen"]) if r["approved_fen"] is not None else None,
            cut_reason=r["cut_reason"],
        )
        for r in rows
    ]
