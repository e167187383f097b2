from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

import msgspec


class BatchIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    application_ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=500)]
    starts_on: dt.date
    working_days: Annotated[int, msgspec.Meta(ge=1, le=30)] = 5


class BatchItem(msgspec.Struct):
    application_id: UUID
    reference: str | None
    org_name: str
    amount: str


class BatchOut(msgspec.Struct):
    id: UUID
    starts_on: dt.date
    ends_on: dt.date
    items: list[BatchItem]


class BatchSummary(msgspec.Struct):
    id: UUID
    starts_on: dt.date
    ends_on: dt.date
    created_at: dt.datetime
    closed_at: dt.datetime | None
    items: int


class BatchList(msgspec.Struct):
    items: list[BatchSummary]


class Period(msgspec.Struct):
    starts_on: dt.date
    ends_on: dt.date


class Announcement(msgspec.Struct):
    id: UUID
    reference: str | None
    org_name: str
    program: str
    program_title: str
    title: str
    amount: str
    period: Period
    batch_id: UUID  # its batch's notice: /api/v1/public/publicity-batches/{batch_id}/notice


class AnnouncementList(msgspec.Struct):
    items: list[Announcement]
