"""Payloads of the listing rewards (art. 10), and the staff proposal (免申即享)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from portal.applications.payee import Payee
from portal.applications.payloads import Documents, In, MoneyText
from portal.types import LongText, UsccText

StageName = Literal["tutoring", "accepted", "listed"]
StockCode = Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Z.]{1,12}$")]
ExchangeCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z][A-Z0-9]{1,9}$")]


class IpoDomesticClaim(In, tag="ipo_domestic_claim", tag_field="type"):
    exchange: Literal["SSE", "SZSE", "BSE"] | None = None
    stages: Annotated[list[StageName], msgspec.Meta(max_length=3)] = msgspec.field(
        default_factory=list
    )
    stage_dates: dict[StageName, dt.date] = msgspec.field(default_factory=dict)
    stock_code: StockCode | None = None
    disclosure: LongText | None = None
    payee: Payee | None = None
    documents: Documents = msgspec.field(default_factory=list)


class IpoOverseasClaim(In, tag="ipo_overseas_claim", tag_field="type"):
    exchange: ExchangeCode | None = None
    listed_on: dt.date | None = None
    raised_total: MoneyText | None = None
    invested_in_wuhan: MoneyText | None = None
    stock_code: StockCode | None = None
    payee: Payee | None = None
    documents: Documents = msgspec.field(default_factory=list)


class ProposalIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Staff record a stage from public disclosures; the firm confirms and is paid."""

    uscc: UsccText
    exchange: Literal["SSE", "SZSE", "BSE"]
    stages: Annotated[list[StageName], msgspec.Meta(min_length=1, max_length=3)]
    stage_dates: dict[StageName, dt.date]
    stock_code: StockCode
    disclosure: Annotated[LongText, msgspec.Meta(min_length=1)]


class FollowUpIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    raised_total: MoneyText
    invested_in_wuhan: MoneyText
    note: LongText = ""


class FollowUpOut(msgspec.Struct):
    application_id: str
    year: int
    raised_total: str
    invested_in_wuhan: str
    recovery_due: bool
