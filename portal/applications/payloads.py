"""Pieces shared by every application type's payload: lines, document references."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec

from portal.types import ShortText

MoneyText = Annotated[
    str, msgspec.Meta(max_length=32, description='yuan as a string, e.g. "1234.56"')
]
Category = Literal[
    "venue", "construction", "promotion", "travel", "prizes", "equipment", "services", "other"
]
InvoiceNumber = Annotated[
    str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z\-]+$")
]
DocumentKind = Literal[
    "plan",
    "qualification",
    "audit_report",
    "summary",
    "invoice",
    "evidence",
    "certificate",
    "disclosure",
    "payee",
    "other",
]
MAX_LINES = 200


class In(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    pass


# The kinds the five original programs' forms offer; a program defined as data names its own.
DocumentKindName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class DocumentRef(In):
    document_id: UUID
    kind: DocumentKindName = "other"


class BudgetLine(In):
    category: Category
    amount: MoneyText
    description: ShortText = ""
    document_ids: Annotated[list[UUID], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )


class ExpenseLine(In):
    category: Category
    amount: MoneyText
    description: ShortText = ""
    invoice_numbers: Annotated[list[InvoiceNumber], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )
    document_ids: Annotated[list[UUID], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )


Documents = Annotated[list[DocumentRef], msgspec.Meta(max_length=50)]
