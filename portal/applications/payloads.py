"""Pieces shared by every application type's payload: lines, document references."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec

MoneyText = Annotated[
    str, msgspec.Meta(max_length=32, description='yuan as a string, e.g. "1234.56"')
]
MAX_LINES = 200


class In(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    pass


# A document's kind, as the program's checklist names it (domain.definition: documents).
DocumentKindName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class DocumentRef(In):
    document_id: UUID
    kind: DocumentKindName = "other"


Documents = Annotated[list[DocumentRef], msgspec.Meta(max_length=50)]
