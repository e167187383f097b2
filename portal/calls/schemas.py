"""Yearly calls: their windows, experts' scores, and the ranking that selects within the
year's budget (a program whose workflow asks for experts in a yearly call)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

import msgspec

from portal.types import LongText


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
