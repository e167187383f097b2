from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from portal.types import LongText, ShortText

StatusName = Literal["open", "dismissed", "upheld"]


class ObjectionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Annotated[LongText, msgspec.Meta(min_length=5)]
    contact: Annotated[ShortText, msgspec.Meta(min_length=3)]


class ObjectionReceipt(msgspec.Struct):
    id: UUID
    received_at: dt.datetime


class ResolutionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    outcome: Literal["dismissed", "upheld"]
    comment: Annotated[LongText, msgspec.Meta(min_length=1)]


class ResolutionOut(msgspec.Struct):
    outcome: str
    comment: str
    by: str | None
    at: dt.datetime


class ObjectionOut(msgspec.Struct):
    id: UUID
    application_id: UUID
    reason: str
    contact: str
    lodged_at: dt.datetime
    status: StatusName
    resolution: ResolutionOut | None
    reference: str | None
    title: str
    org_name: str


class ObjectionPage(msgspec.Struct):
    items: list[ObjectionOut]
    next_cursor: str | None
