from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from domain.money import Money, parse_money
from portal.types import LongText, Name

MoneyText = Annotated[str, msgspec.Meta(max_length=32, description='yuan, e.g. "1234.56"')]
ProgramCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
ExchangeCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z][A-Z0-9]{1,9}$")]
Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]


class _In(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class OptionOut(msgspec.Struct):
    value: str
    label_zh: str
    label_en: str


class FieldOut(msgspec.Struct, omit_defaults=True):
    name: str
    kind: str
    required: bool
    label_zh: str
    label_en: str
    options: list[OptionOut] | None = None


class FormOut(msgspec.Struct):
    fields: list[FieldOut]


class DocumentOut(msgspec.Struct):
    kind: str
    required: bool
    label_zh: str
    label_en: str


class PriorOut(msgspec.Struct):
    """The earlier application a program's claims point to (an event's filing)."""

    type: str
    form: FormOut
    documents: list[DocumentOut]


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
    # A program defined as data: its form, its documents and what its calculator asks.
    form: FormOut | None = None
    documents: list[DocumentOut] = msgspec.field(default_factory=list)
    estimate_inputs: list[str] = msgspec.field(default_factory=list)
    proposal: bool = False  # staff may propose it to a firm (免申即享)
    type: str = "program_claim"  # the type its claims are filed as
    prior: PriorOut | None = None


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
    status: Literal["draft", "published"] = "published"
    published_at: dt.datetime | None = None


class ProgramDetail(msgspec.Struct):
    program: ProgramOut
    versions: list[VersionOut]


class NewVersionIn(_In):
    """A version: a draft to preview, unless `publish`; for a program defined as data, `params`
    is its definition (see domain.definition.model)."""

    effective_from: dt.date
    effective_to: dt.date
    params: dict[str, Any]
    note: LongText = ""
    publish: bool = False


class NewProgramIn(_In):
    """A new program defined as data, with its first version as a draft."""

    code: ProgramCode
    article: Annotated[str, msgspec.Meta(min_length=1, max_length=20, pattern=r"^[^\x00]*$")]
    title_zh: Name
    title_en: Name
    effective_from: dt.date
    effective_to: dt.date
    params: dict[str, Any]
    note: LongText = ""


class PublishIn(_In):
    """The window the published version governs; its draft's dates when not given."""

    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


class PreviewIn(_In):
    inputs: Annotated[dict[str, Any], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=dict
    )


class ProblemOut(msgspec.Struct):
    field: str
    message: str


class ChangeOut(msgspec.Struct):
    path: str
    before: Any
    after: Any


class DiffOut(msgspec.Struct):
    program: str
    from_version: int
    to_version: int
    changes: list[ChangeOut]


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
    funder: str  # 'city', or the district's code (GB/T 2260) whose budget it is
    allocated: str
    reserved: str
    spent: str
    available: str


class BudgetList(msgspec.Struct):
    items: list[BudgetOut]


class BudgetIn(_In):
    allocated: MoneyText
    # Whose budget: 'city', or a Wuhan district's code (420102 to 420117).
    funder: Annotated[str, msgspec.Meta(max_length=16)] = "city"


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


class PreviewOut(msgspec.Struct):
    """A draft version seen as applicants and staff will see it: its form and documents, and its
    calculator on the sample inputs (or why it refuses them)."""

    version: int
    form: FormOut
    documents: list[DocumentOut]
    estimate_inputs: list[str]
    estimate: EstimateOut | None
    refused: list[ProblemOut]


class ProposalItem(_In):
    uscc: Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[^\x00]*$")]
    fields: Annotated[dict[str, Any], msgspec.Meta(max_length=60)] = msgspec.field(
        default_factory=dict
    )


class ProposalsIn(_In):
    items: Annotated[list[ProposalItem], msgspec.Meta(min_length=1, max_length=200)]


class ProposalsOut(msgspec.Struct):
    application_ids: list[UUID]
