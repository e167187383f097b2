"""An application's content as its readers see it (the console, printed notices), from its
form: each field by its label and value in the form's order, its lines with their categories
named, the amounts a reviewer may approve for less than asked, and what the workflow asks of
staff (scores, follow-ups)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg

from domain.definition.model import Field, Input
from portal.applications.schemas import ApplicationOut
from portal.programs.forms import Bound, bound


@dataclass
class Contents:
    fields: list[tuple[str, str, bool, str]]  # (label, value, is money, key)
    lines: list[dict[str, Any]]
    lines_kind: str | None
    lines_label: str | None = None
    categories: dict[str, str] = field(default_factory=dict)
    # (field name, label, amount asked) of money fields the award reads
    approvable: list[tuple[str, str, str]] = field(default_factory=list)
    experts: int = 0
    # (name, label) of a follow-up's whole and part, for a program that follows awards up
    follow_up: tuple[tuple[str, str], tuple[str, str]] | None = None


def _display(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_display(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}: {_display(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _shown(f: Field, value: Any, zh: bool, of: Field | None = None) -> str:
    """A field's value as its reader says it: options and the dated field's options (`of`) by
    their labels, never their codes."""

    def option(v: Any, field: Field = f) -> str:
        found = next((o for o in field.options if o.value == v), None)
        return (found.label_zh if zh else found.label_en) if found else str(v)

    if f.kind == "choice":
        return option(value)
    if f.kind == "choices" and isinstance(value, list):
        return "、".join(option(v) for v in value)
    if f.kind == "dates" and isinstance(value, dict) and of is not None:
        order = [o.value for o in of.options]
        keys = sorted(value, key=lambda k: order.index(k) if k in order else len(order))
        return ";".join(f"{option(k, of)} {_display(value[k])}" for k in keys)
    if f.kind == "boolean":
        return ("是" if zh else "Yes") if value else ("否" if zh else "No")
    return _display(value)


async def contents_of(pool: asyncpg.Pool, app: ApplicationOut, language: str) -> Contents:
    b = await bound(pool, app.program_code, app.program_version, app.type)
    return shown(b, app, language == "zh")


def shown(b: Bound, app: ApplicationOut, zh: bool) -> Contents:
    given = (app.payload.get("fields") or {}) if not b.flat else app.payload
    rows = []
    for f in b.form.fields:
        value = given.get(f.name)
        if f.kind == "lines" or value in (None, "", [], {}):
            continue
        label = f.label_zh if zh else f.label_en
        of = b.form.field(f.of) if f.kind == "dates" and f.of else None
        rows.append((label, _shown(f, value, zh, of), f.kind == "money", f.name))
    lines_field = b.lines_field
    inputs = {step.field for step in b.definition.award if isinstance(step, Input)}
    follow = b.definition.workflow.follow_up if b.pays else None

    def named(name: str) -> tuple[str, str]:
        f = b.form.field(name)
        return name, ((f.label_zh if zh else f.label_en) if f else name)

    return Contents(
        fields=rows,
        lines=list(given.get(lines_field.name) or []) if lines_field else [],
        lines_kind=b.line_kind if lines_field else None,
        lines_label=(lines_field.label_zh if zh else lines_field.label_en) if lines_field else None,
        categories={
            o.value: o.label_zh if zh else o.label_en
            for o in (lines_field.options if lines_field else ())
        },
        approvable=[
            (f.name, f.label_zh if zh else f.label_en, str(given[f.name]))
            for f in b.form.fields
            if b.pays and f.kind == "money" and f.name in inputs and given.get(f.name)
        ],
        experts=b.definition.workflow.experts if b.pays else 0,
        follow_up=(named(follow.whole), named(follow.part)) if follow else None,
    )
