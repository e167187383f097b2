"""A checklist of documents against what an application attached."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.definition.model import DocumentRequirement
from domain.errors import RuleViolation


def missing_documents(
    checklist: Iterable[DocumentRequirement], given: Iterable[Mapping[str, Any]]
) -> list[RuleViolation]:
    """The checklist's required kinds no document was attached as, each named."""
    kinds = {str(doc.get("kind")) for doc in given}
    return [
        RuleViolation(
            "documents_missing",
            f"Attach the document: {req.label_en}.",
            field="documents",
            message_zh=f"请上传材料:{req.label_zh}。",
        )
        for req in checklist
        if req.required and req.kind not in kinds
    ]
