"""Payloads of the event-support program: the prior filing and the claim."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from portal.applications.payee import Payee
from portal.applications.payloads import MAX_LINES, BudgetLine, Documents, ExpenseLine, In
from portal.types import LongText, Name, ShortText

District = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9]{6}$", description="GB/T 2260 code, 420102-420117")
]
Attendance = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]


class EventFiling(In, tag="event_filing", tag_field="type"):
    """Drafts may leave fields empty; submission requires them."""

    title: Name | None = None
    event_type: Literal["exhibition", "contest", "conference"] | None = None
    level: Literal["national", "international"] | None = None
    venue: ShortText | None = None
    district: District | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    expected_attendance: Attendance | None = None
    co_organizers: Annotated[list[Name], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )
    budget_lines: Annotated[list[BudgetLine], msgspec.Meta(max_length=MAX_LINES)] = msgspec.field(
        default_factory=list
    )
    documents: Documents = msgspec.field(default_factory=list)


class EventClaim(In, tag="event_claim", tag_field="type"):
    filing_id: UUID | None = None
    actual_attendance: Attendance | None = None
    summary: LongText | None = None
    expense_lines: Annotated[list[ExpenseLine], msgspec.Meta(max_length=MAX_LINES)] = msgspec.field(
        default_factory=list
    )
    payee: Payee | None = None
    documents: Documents = msgspec.field(default_factory=list)
