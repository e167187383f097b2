"""Scenario projects (art. 7): the payload, yearly calls, expert scores and the ranking."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from portal.applications.payee import Payee
from portal.applications.payloads import MAX_LINES, BudgetLine, Documents, In, MoneyText
from portal.types import LongText, Name

Field = Literal[
    "smart_manufacturing",
    "connected_vehicles",
    "smart_construction",
    "smart_health",
    "smart_education",
    "smart_city",
    "other",
]


class ScenarioProject(In, tag="scenario_project", tag_field="type"):
    call_year: Annotated[int, msgspec.Meta(ge=2000, le=2100)] | None = None
    title: Name | None = None
    field: Field | None = None
    total_investment: MoneyText | None = None
    investment_lines: Annotated[list[BudgetLine], msgspec.Meta(max_length=MAX_LINES)] = (
        msgspec.field(default_factory=list)
    )
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    summary: LongText | None = None
    payee: Payee | None = None
    documents: Documents = msgspec.field(default_factory=list)


class CallIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    opens_on: dt.date
    closes_on: dt.date


class CallOut(msgspec.Struct):
    program: str
    year: int
    opens_on: dt.date
    closes_on: dt.date
    open_now: bool


class CallList(msgspec.Struct):
    items: list[CallOut]


class ScoreIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    score: int
    comment: Annotated[LongText, msgspec.Meta(min_length=1)]
    declare_no_conflict: bool = False


class ScoreOut(msgspec.Struct):
    application_id: UUID
    score: int
    scores_count: int


class RankedOut(msgspec.Struct):
    rank: int
    application_id: UUID
    title: str
    org_name: str
    scores_count: int
    average: str
    award: str
    cumulative: str
    fits: bool


class RankingOut(msgspec.Struct):
    program: str
    year: int
    available: str
    items: list[RankedOut]


class SelectionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    declare_no_conflict: bool = False
    comment: LongText = ""


class SelectionOut(msgspec.Struct):
    approved: list[UUID]
    not_selected: list[UUID]
    skipped: list[UUID]
