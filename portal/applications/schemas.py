from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from portal.applications.payloads import MoneyText
from portal.types import LongText

StatusName = Literal[
    "draft",
    "submitted",
    "reviewed",
    "recognized",
    "approved",
    "publicized",
    "confirmed",
    "disbursed",
    "returned",
    "rejected",
    "withdrawn",
    "lapsed",
]
TypeName = Literal[
    "event_filing",
    "event_claim",
    "ipo_domestic_claim",
    "ipo_overseas_claim",
    "scenario_project",
    "unveiling_award",
    "program_claim",
]

# The body of POST /applications: `type` and its program's form. A program_claim names its
# program (`program_code`) and nests the fields under `fields`; the other types have the fields
# of their program's form beside `type` (see GET /programs/{code}: its `form`). Both may carry
# `payee` and `documents`. The form's version decides what is accepted, so the shape is checked
# against it, not here.
ApplicationBody = Annotated[
    dict[str, Any],
    msgspec.Meta(
        description="{type, ...fields} or {type: program_claim, program_code, fields}; "
        "payee and documents on either",
        examples=[{"type": "program_claim", "program_code": "vertical-model", "fields": {}}],
    ),
]


class BreakdownOut(msgspec.Struct):
    label: str
    amount: str


class AwardOut(msgspec.Struct):
    amount: str
    capped: bool
    breakdown: list[BreakdownOut]
    rule: str
    program_version: int


class HistoryEntry(msgspec.Struct):
    at: dt.datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    comment: str


class FlagOut(msgspec.Struct):
    code: str
    message: str
    related: list[str]


class PaymentOut(msgspec.Struct):
    paid_on: dt.date
    amount: str
    reference: str


class RepaymentOut(msgspec.Struct):
    paid_on: dt.date
    amount: str
    reference: str


class RecoveryOut(msgspec.Struct):
    """Money to win back from a paid award: owed, repaid, still outstanding, and by when."""

    amount: str
    repaid: str
    outstanding: str
    due_on: dt.date
    reason: str
    repayments: list[RepaymentOut]


class ApplicationOut(msgspec.Struct):
    id: UUID
    type: str
    status: str
    reference: str | None
    program_code: str
    program_version: int
    org_id: UUID
    payload: dict[str, Any]
    amount_requested: str | None
    amount_approved: str | None
    award: AwardOut | None
    history: list[HistoryEntry]
    allowed_actions: list[str]
    flags: list[FlagOut]
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    org_name: str | None = None
    payment: PaymentOut | None = None
    recovery: RecoveryOut | None = None


class ApplicationSummary(msgspec.Struct):
    id: UUID
    type: str
    status: str
    reference: str | None
    program_code: str
    title: str
    amount_requested: str | None
    amount_approved: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    org_id: UUID | None = None
    org_name: str | None = None
    next_deadline: dt.date | None = None


class Page(msgspec.Struct):
    items: list[ApplicationSummary]
    next_cursor: str | None


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    action: Literal["pass", "return", "reject", "approve", "uphold_objection"]
    comment: LongText = ""
    declare_no_conflict: bool = False
    approved_lines: (
        dict[Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,3}$")], MoneyText] | None
    ) = None
    line_reasons: dict[Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,3}$")], LongText] | None = (
        None
    )
    # On a pass of a claim whose award is an amount asked for: the amounts approved, by field.
    approved_fields: (
        dict[Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")], MoneyText] | None
    ) = None
