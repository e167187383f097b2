"""Event support's two application types on the shared lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import asyncpg
import msgspec

from domain import event_support as rules
from domain.definition.model import DocumentRequirement
from domain.errors import RuleViolation
from domain.event_support import ReviewedLine
from domain.money import Money
from domain.programs import Award, EventSupportParams, event_support_award
from portal.applications.program_params import version_params
from portal.applications.types import Draft, Flag, StoredLine, TypeHandler
from portal.event_support.schemas import EventClaim, EventFiling
from sql.queries import Q

PROGRAM = "event-support"


async def _params(
    conn: asyncpg.Connection, version: int
) -> tuple[EventSupportParams, asyncpg.Record]:
    params, row = await version_params(conn, PROGRAM, version)
    return cast(EventSupportParams, params), row


def _filing_not_recognized() -> RuleViolation:
    return RuleViolation(
        "filing_not_recognized",
        "A claim needs a recognized filing of your organization.",
        field="filing_id",
        message_zh="兑现申报须对应本单位已认定的事前备案。",
    )


def _lines(lines: list[StoredLine]) -> list[rules.Line]:
    return [rules.Line(x.category, x.description, x.amount, x.invoice_numbers) for x in lines]


class EventFilingHandler(TypeHandler):
    type = "event_filing"
    program_code = PROGRAM
    documents = (
        DocumentRequirement(kind="plan", label_zh="活动方案", label_en="Event plan"),
        DocumentRequirement(
            kind="qualification", label_zh="主办单位资质证明", label_en="Organizer's qualification"
        ),
    )
    payload_type = EventFiling
    pays = False
    lines_field = "budget_lines"
    line_kind = "budget"

    async def draft(
        self, conn: asyncpg.Connection, org: asyncpg.Record, version: int, payload: msgspec.Struct
    ) -> Draft:
        draft = self.draft_unread(payload)
        draft.program_version = version
        return draft

    def draft_unread(self, payload: msgspec.Struct) -> Draft:
        data, lines = self.split(payload)
        return Draft(self.title(payload), data, lines, None)

    def _facts(self, payload: EventFiling, lines: list[StoredLine]) -> rules.Filing:
        return rules.Filing(
            title=payload.title,
            event_type=payload.event_type,
            level=payload.level,
            venue=payload.venue,
            district=payload.district,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            expected_attendance=payload.expected_attendance,
            budget_lines=_lines(lines),
        )

    async def check_submit(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> list[RuleViolation]:
        params, version = await _params(conn, app["program_version"])
        window = (version["effective_from"], version["effective_to"])
        return rules.check_filing(self._facts(payload, lines), params, today, window)

    async def check_approve(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> None:
        # Lateness was judged at submission; at recognition the event must not have started.
        rules.check_recognition(payload.starts_on, today)
        params, version = await _params(conn, app["program_version"])
        window = (version["effective_from"], version["effective_to"])
        for v in rules.check_filing(self._facts(payload, lines), params, payload.starts_on, window):
            if v.code != "filing_too_late":
                raise v


class EventClaimHandler(TypeHandler):
    type = "event_claim"
    program_code = PROGRAM
    documents = (
        DocumentRequirement(kind="audit_report", label_zh="专项审计报告", label_en="Audit report"),
        DocumentRequirement(kind="invoice", label_zh="费用发票", label_en="Invoices"),
        DocumentRequirement(
            kind="evidence",
            label_zh="活动举办佐证材料",
            label_en="Evidence the event took place",
            required=False,
        ),
    )
    payload_type = EventClaim
    lines_field = "expense_lines"
    line_kind = "expense"

    async def _filing(
        self, conn: asyncpg.Connection, org_id: Any, filing_id: Any
    ) -> asyncpg.Record:
        filing = await conn.fetchrow(Q.filing_for_claim, filing_id) if filing_id else None
        if filing is None or filing["org_id"] != org_id or filing["status"] != "recognized":
            raise _filing_not_recognized()
        return filing

    def title(self, payload: msgspec.Struct) -> str:
        return ""  # set from the filing's title when drafted

    async def draft(
        self, conn: asyncpg.Connection, org: asyncpg.Record, version: int, payload: Any
    ) -> Draft:
        if payload.filing_id is None:
            raise rules.required("filing_id")
        filing = await self._filing(conn, org["id"], payload.filing_id)
        data, lines = self.split(payload)
        params, _ = await _params(conn, filing["program_version"])
        claimed = sum((x.amount for x in lines), Money.ZERO)
        requested = event_support_award(params, claimed).amount if lines else None
        title = f"{filing['payload'].get('title') or ''} · 兑现申报"
        return Draft(title, data, lines, filing["program_version"], filing["id"], requested)

    async def check_submit(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> list[RuleViolation]:
        filing = await self._filing(conn, app["org_id"], app["filing_id"])
        params, _ = await _params(conn, app["program_version"])
        ends_on = dt.date.fromisoformat(filing["payload"]["ends_on"])
        errors: list[RuleViolation] = []
        try:
            rules.check_claim_window(params, ends_on, today)
        except RuleViolation as v:
            errors.append(v)
        errors += rules.repeated_invoices(_lines(lines))
        for name in ("actual_attendance", "summary"):
            if getattr(payload, name) is None:
                errors.append(rules.required(name))
        if not lines:
            errors.append(rules.required("expense_lines"))
        for i, line in enumerate(lines):
            if not line.invoice_numbers:
                errors.append(rules.required(f"expense_lines.{i}.invoice_numbers"))
        return errors

    async def check_approve(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> None:
        # The window bounds submission; at approval the filing must still stand.
        await self._filing(conn, app["org_id"], app["filing_id"])

    async def award(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        reviewed: list[ReviewedLine],
    ) -> Award | None:
        params, _ = await _params(conn, app["program_version"])
        return event_support_award(params, sum((r.approved for r in reviewed), Money.ZERO))

    async def flags(
        self, conn: asyncpg.Connection, app: asyncpg.Record, lines: list[StoredLine]
    ) -> list[Flag]:
        numbers = sorted({n for line in lines for n in line.invoice_numbers})
        if not numbers:
            return []
        rows = await conn.fetch(Q.invoices_used_elsewhere, numbers, app["id"])
        return [
            Flag(
                "duplicate_invoice",
                f"Invoice {r['number']} is also in application {r['reference'] or r['id']}.",
                f"发票号 {r['number']} 也出现在申请 {r['reference'] or r['id']} 中。",
                [str(r["id"])],
            )
            for r in rows
        ]
