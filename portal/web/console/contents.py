"""An application's content as the console shows it: each field by its label and value, its
lines with their categories named, and (for a claim on a program defined as data) the amounts
a reviewer may approve for less than asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg

from domain.definition.model import Definition, Input
from portal.applications.registry import HANDLERS
from portal.applications.schemas import ApplicationOut
from portal.programs.claims import definition_of
from portal.web.i18n import translator


@dataclass
class Contents:
    fields: list[tuple[str, str, bool, str]]  # (label, value, is money, key)
    lines: list[dict[str, Any]]
    lines_kind: str | None
    lines_label: str | None = None
    categories: dict[str, str] = field(default_factory=dict)
    # (field name, label, amount asked) of money fields the award reads
    approvable: list[tuple[str, str, str]] = field(default_factory=list)


def _display(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_display(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}: {_display(v)}" for k, v in value.items())
    return "" if value is None else str(value)


async def contents_of(pool: asyncpg.Pool, app: ApplicationOut, language: str) -> Contents:
    if app.type == "program_claim":
        d = await definition_of(pool, app.program_code, app.program_version)
        return _defined(d, app, language == "zh")
    t = translator(language)
    handler = HANDLERS[app.type]
    hidden = {handler.lines_field, "documents", "payee"}
    return Contents(
        fields=[
            (t(f"f_{key}"), _display(value), key in handler.money_fields, key)
            for key, value in app.payload.items()
            if key not in hidden and value not in (None, "", [], {})
        ],
        lines=list(app.payload.get(handler.lines_field) or []) if handler.lines_field else [],
        lines_kind=handler.line_kind if handler.lines_field else None,
    )


def _defined(d: Definition, app: ApplicationOut, zh: bool) -> Contents:
    values = app.payload.get("fields") or {}
    shown = []
    for f in d.fields:
        value = values.get(f.name)
        if f.kind == "lines" or value in (None, "", []):
            continue
        if f.kind == "choice":
            option = next((o for o in f.options if o.value == value), None)
            value = (option.label_zh if zh else option.label_en) if option else value
        elif f.kind == "boolean":
            value = ("是" if zh else "Yes") if value else ("否" if zh else "No")
        shown.append((f.label_zh if zh else f.label_en, _display(value), f.kind == "money", f.name))
    lines_field = d.lines_field
    inputs = {step.field for step in d.award if isinstance(step, Input)}
    return Contents(
        fields=shown,
        lines=list(values.get(lines_field.name) or []) if lines_field else [],
        lines_kind="expense" if lines_field else None,
        lines_label=(lines_field.label_zh if zh else lines_field.label_en) if lines_field else None,
        categories={
            o.value: o.label_zh if zh else o.label_en
            for o in (lines_field.options if lines_field else ())
        },
        approvable=[
            (f.name, f.label_zh if zh else f.label_en, str(values[f.name]))
            for f in d.fields
            if f.kind == "money" and f.name in inputs and values.get(f.name)
        ],
    )
