from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

import msgspec

from portal.applications.payloads import MoneyText

BankReference = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]


class DisbursementIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    paid_on: dt.date
    amount: MoneyText
    reference: BankReference


class BatchItemIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    application_id: UUID
    amount: MoneyText
    paid_on: dt.date
    reference: BankReference


class BatchIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    items: Annotated[list[BatchItemIn], msgspec.Meta(min_length=1, max_length=500)]


class BatchOut(msgspec.Struct):
    id: UUID
    count: int
    total: str


class PayeeOut(msgspec.Struct):
    account_name: str
    bank: str
    account_no: str


class DueOut(msgspec.Struct):
    application_id: UUID
    reference: str | None
    type: str
    program_code: str
    program_title: str
    title: str
    org_name: str
    uscc: str
    payee: PayeeOut | None
    amount: str
    budget_year: int | None
    confirmed_at: dt.datetime


class DuePage(msgspec.Struct):
    items: list[DueOut]
    next_cursor: str | None
