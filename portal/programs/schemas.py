from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

from domain.money import Money, parse_money
from portal.types import LongText, Name

MoneyText = Annotated[str, msgspec.Meta(max_length=32, description='yuan, e.g. "1234.56"')]
ProgramCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
ExchangeCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z][A-Z0-9]{1,9}$")]
StageName = Literal["tutoring", "accepted", "listed"]
Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]


class _In(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class ProgramOut(msgspec.Struct):
    code: str
    article: str
    title_zh: str
    title_en: str
    kind: str
    version: int
    effective_from: dt.date
    effective_to: dt.date
    in_effect: bool
    params: dict[str, Any]


class ProgramList(msgspec.Struct):
    items: list[ProgramOut]


class VersionOut(msgspec.Struct):
    version: int
    effective_from: dt.date
    effective_to: dt.date
    params: dict[str, Any]
    note: str
    created_at: dt.datetime
    created_by: str


class ProgramDetail(msgspec.Struct):
    program: ProgramOut
    versions: list[VersionOut]


class NewVersionIn(_In):
    effective_from: dt.date
    effective_to: dt.date
    params: dict[str, Any]
    note: LongText = ""


class EstimateIn(_In):
    """The inputs of every program's calculator; each program takes only its own."""

    eligible_costs: MoneyText | None = None
    total_investment: MoneyText | None = None
    stages: Annotated[list[StageName], msgspec.Meta(max_length=3)] | None = None
    already_paid: MoneyText | None = None
    exchange: ExchangeCode | None = None
    raised_total: MoneyText | None = None
    invested_in_wuhan: MoneyText | None = None


class BreakdownOut(msgspec.Struct):
    label: str
    amount: str


class EstimateOut(msgspec.Struct):
    amount: str
    capped: bool
    breakdown: list[BreakdownOut]
    rule: str
    program_version: int


class ExchangeOut(msgspec.Struct):
    code: str
    name: str
    name_zh: str
    name_en: str
    market: Literal["domestic", "overseas"]
    jurisdiction: str
    eligible: bool
    valid_from: dt.date


class ExchangeList(msgspec.Struct):
    items: list[ExchangeOut]


class ExchangeIn(_In):
    valid_from: dt.date
    name_zh: Name
    name_en: Name
    market: Literal["domestic", "overseas"]
    jurisdiction: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
    eligible: bool


class BudgetOut(msgspec.Struct):
    program: str
    year: int
    allocated: str
    reserved: str
    spent: str
    available: str


class BudgetList(msgspec.Struct):
    items: list[BudgetOut]


class BudgetIn(_In):
    allocated: MoneyText


# Parameters are kept in fen (`cap_fen`); on the wire money is a yuan string (`cap`).
def params_to_wire(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key.endswith("_fen"):
            name = key.removesuffix("_fen")
            if isinstance(value, dict):
                out[name] = {k: str(Money(v)) for k, v in value.items()}
            else:
                out[name] = str(Money(value))
        else:
            out[key] = value
    return out


def params_from_wire(wire: dict[str, Any], fen_fields: set[str]) -> dict[str, Any]:
    """The inverse, for the fields the program's parameter type keeps in fen."""
    out: dict[str, Any] = {}
    for key, value in wire.items():
        if f"{key}_fen" in fen_fields:
            if isinstance(value, dict):
                out[f"{key}_fen"] = {
                    k: parse_money(v, f"params.{key}.{k}").fen for k, v in value.items()
                }
            else:
                out[f"{key}_fen"] = parse_money(value, f"params.{key}").fen
        else:
            out[key] = value
    return out
