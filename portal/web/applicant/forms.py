"""An application's page form, made from its program's definition: which inputs it has, how a
post becomes the PATCH body, and how a stored payload fills the inputs again.

Input names are the service's field paths with `-` for `.` (`budget_lines-0-amount` for
`budget_lines.0.amount`), so an error the service names lands next to its input; a nested form's
fields (a program_claim's) post the same names and go under `fields`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from domain.definition.model import Field as FormField
from domain.definition.model import ListedExchange, SumEquals
from portal.programs.forms import Bound

Kind = Literal["text", "textarea", "date", "int", "money", "select", "list", "exchange", "check"]
Choice = tuple[str, str, str]  # (value, label zh, label en)


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    label_zh: str
    label_en: str
    choices: tuple[Choice, ...] = ()
    maxlength: int | None = None
    hint_zh: str = ""
    hint_en: str = ""
    wide: bool = False


@dataclass(frozen=True)
class Spec:
    type: str
    fields: tuple[Field, ...]
    nested: bool = False  # the fields go under `fields` (a program_claim)
    lines: str | None = None  # the lines field
    lines_label: tuple[str, str] = ("", "")
    lines_hint: tuple[str, str] = ("", "")
    categories: tuple[Choice, ...] = ()
    invoices: bool = False  # lines carry invoice numbers
    stages: Field | None = None  # a choices field, each choice with its date
    stage_dates: str | None = None  # the dates field of those choices
    payee: bool = False
    doc_kinds: tuple[Choice, ...] = (("other", "其他", "Other"),)
    filing: str | None = None  # the field naming the earlier application a claim points to
    total_field: str | None = None  # a money field the lines must add up to (shown beside them)
    pays: bool = True  # a claim asks for money; an earlier application does not


_KINDS: dict[str, Kind] = {
    "text": "text",
    "long_text": "textarea",
    "text_list": "list",
    "date": "date",
    "integer": "int",
    "money": "money",
    "choice": "select",
    "boolean": "check",
}


def _choices(f: FormField) -> tuple[Choice, ...]:
    return tuple((o.value, o.label_zh, o.label_en) for o in f.options)


def _field(f: FormField, exchanges: frozenset[str]) -> Field:
    # A choices field (the stages) is drawn as its boxes; its kind is then only a name.
    kind = "exchange" if f.name in exchanges else _KINDS.get(f.kind, "select")
    limit = f.max if f.kind in ("text", "long_text") else None
    return Field(
        f.name,
        kind,
        f.label_zh,
        f.label_en,
        choices=_choices(f),
        maxlength=limit or ({"text": 200, "long_text": 10_000}.get(f.kind)),
        hint_zh=f.help_zh,
        hint_en=f.help_en,
        wide=f.kind in ("long_text", "text_list") or (f.kind == "text" and (limit or 200) > 60),
    )


def spec_of(b: Bound) -> Spec:
    """The page form of an application's form (cheap to make: made for each page)."""
    form = b.form
    exchanges = frozenset(r.field for r in form.eligibility if isinstance(r, ListedExchange))
    totals = [r.field for r in form.eligibility if isinstance(r, SumEquals)]
    plain = [f for f in form.fields if f.kind in _KINDS]
    lines = form.lines_field
    stages = next((f for f in form.fields if f.kind == "choices"), None)
    dates = next((f for f in form.fields if f.kind == "dates"), None)
    reference = next((f for f in form.fields if f.kind == "reference"), None)
    kinds = tuple((d.kind, d.label_zh, d.label_en) for d in form.documents)
    return Spec(
        b.kind,
        tuple(_field(f, exchanges) for f in plain),
        nested=not b.flat,
        lines=lines.name if lines else None,
        lines_label=(lines.label_zh, lines.label_en) if lines else ("", ""),
        lines_hint=(lines.help_zh, lines.help_en) if lines else ("", ""),
        categories=_choices(lines) if lines else (),
        invoices=bool(lines and lines.invoices),
        stages=_field(stages, frozenset()) if stages else None,
        stage_dates=dates.name if dates else None,
        payee=b.pays,
        doc_kinds=(*kinds, ("other", "其他", "Other")),
        filing=reference.name if reference else None,
        total_field=totals[0] if totals else None,
        pays=b.pays,
    )


LINE_COLUMNS = ("category", "description", "invoice_numbers", "amount")
MAX_DESCRIPTION = 200
_SPLIT = re.compile(r"[\s,,、;;]+")


# ------------------------------------------------------------------ the form's state


@dataclass
class State:
    """What the inputs hold: flat values by input name, the line rows and the documents."""

    values: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)
    documents: list[dict[str, str]] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def state_from_payload(spec: Spec, payload: Mapping[str, Any]) -> State:
    """The inputs as the stored application fills them."""
    state = State()
    given = payload.get("fields") or {} if spec.nested else payload
    for f in spec.fields:
        state.values[f.name] = _text(given.get(f.name))
    if spec.lines:
        for line in given.get(spec.lines) or []:
            state.rows.append(
                {
                    "category": str(line.get("category") or ""),
                    "description": str(line.get("description") or ""),
                    "amount": str(line.get("amount") or ""),
                    "invoice_numbers": " ".join(line.get("invoice_numbers") or []),
                    "document_ids": " ".join(str(d) for d in line.get("document_ids") or []),
                }
            )
    for ref in payload.get("documents") or []:
        state.documents.append(
            {"document_id": str(ref.get("document_id")), "kind": str(ref.get("kind") or "other")}
        )
    if spec.stages:
        state.stages = [str(s) for s in given.get(spec.stages.name) or []]
        for stage, day in (given.get(spec.stage_dates or "") or {}).items():
            state.values[f"{spec.stage_dates}-{stage}"] = str(day)
    if spec.payee:
        payee = payload.get("payee") or {}
        for name in ("account_name", "bank", "account_no"):
            state.values[f"payee-{name}"] = str(payee.get(name) or "")
    return state


def _indexed(form: Mapping[str, Any], prefix: str) -> list[int]:
    """The row numbers present in the post for `prefix-N-…` inputs, in order."""
    found = set()
    for key in form:
        parts = str(key).split("-")
        if len(parts) >= 3 and parts[0] == prefix and parts[1].isdigit() and len(parts[1]) < 5:
            found.add(int(parts[1]))
    return sorted(found)


def _get(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def state_from_post(spec: Spec, form: Mapping[str, Any], stages: list[str]) -> State:
    """The inputs as the browser sent them (rows renumbered 0…n in their order)."""
    state = State()
    for f in spec.fields:
        raw = form.get(f.name)
        state.values[f.name] = raw.replace("\r\n", "\n").strip() if isinstance(raw, str) else ""
    if spec.lines:
        for i in _indexed(form, spec.lines):
            state.rows.append(
                {
                    col: _get(form, f"{spec.lines}-{i}-{col}")
                    for col in (*LINE_COLUMNS, "document_ids")
                }
            )
    for i in _indexed(form, "documents"):
        document_id = _get(form, f"documents-{i}-document_id")
        if document_id:
            state.documents.append(
                {"document_id": document_id, "kind": _get(form, f"documents-{i}-kind") or "other"}
            )
    if spec.stages:
        names = [c[0] for c in spec.stages.choices]
        state.stages = [s for s in names if s in stages]
        for stage in names:
            state.values[f"{spec.stage_dates}-{stage}"] = _get(form, f"{spec.stage_dates}-{stage}")
    if spec.payee:
        for name in ("account_name", "bank", "account_no"):
            state.values[f"payee-{name}"] = _get(form, f"payee-{name}")
    return state


# ------------------------------------------------------------------ to the PATCH body


@dataclass
class Changes:
    """The PATCH body, and for each list which form row each sent item came from."""

    body: dict[str, Any]
    rows: dict[str, list[int]]


def _scalar(f: Field, raw: str) -> Any:
    if f.kind == "check":
        return raw in ("on", "true", "1")
    if raw == "":
        return [] if f.kind == "list" else None
    if f.kind == "int":
        # Digits become a number; anything else goes as typed, so the service names the field.
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else raw
    if f.kind == "list":
        return [x.strip() for x in raw.split("\n") if x.strip()]
    return raw


def changes_from(spec: Spec, state: State) -> Changes:
    body: dict[str, Any] = {f.name: _scalar(f, state.values.get(f.name, "")) for f in spec.fields}
    rows: dict[str, list[int]] = {}
    if spec.lines:
        lines, sent = [], []
        for index, row in enumerate(state.rows):
            if not (row["amount"] or row["description"] or row["invoice_numbers"]):
                continue  # a row added and left empty is no line yet
            line: dict[str, Any] = {
                "category": row["category"] or None,
                "description": row["description"],
                "amount": row["amount"],
            }
            if spec.invoices:
                line["invoice_numbers"] = [n for n in _SPLIT.split(row["invoice_numbers"]) if n]
            ids = row.get("document_ids", "").split()
            if ids:
                line["document_ids"] = ids
            lines.append(line)
            sent.append(index)
        body[spec.lines] = lines
        rows[spec.lines] = sent
    if spec.stages:
        body[spec.stages.name] = list(state.stages)
        if spec.stage_dates:
            body[spec.stage_dates] = {
                stage: state.values[f"{spec.stage_dates}-{stage}"]
                for stage, _, _ in spec.stages.choices
                if state.values.get(f"{spec.stage_dates}-{stage}")
            }
    if spec.nested:
        body = {"fields": {k: v for k, v in body.items() if v not in (None, [])}}
        rows = {f"fields.{k}": v for k, v in rows.items()}
    body["documents"] = [dict(d) for d in state.documents]
    rows["documents"] = list(range(len(state.documents)))
    if spec.payee:
        payee = {
            name: state.values[f"payee-{name}"]
            for name in ("account_name", "bank", "account_no")
            if state.values.get(f"payee-{name}")
        }
        body["payee"] = payee or None
    return Changes(body, rows)


# ------------------------------------------------------------------ error paths


def slot(spec: Spec, path: str, rows: Mapping[str, list[int]] | None = None) -> str:
    """Where an error about `path` (as the service names it) is shown on the form.

    `budget_lines.1.amount` of the second line *sent* becomes the row it came from; a deeper
    path is cut to the input that holds it (`…invoice_numbers.2` → `…invoice_numbers`). A nested
    form's `fields.` is left off: its inputs have the fields' own names.
    """
    if spec.nested and path.startswith("fields."):
        path = path.removeprefix("fields.")
        rows = {k.removeprefix("fields."): v for k, v in (rows or {}).items()}
    depth = {"documents": 1, "payee": 2, spec.stage_dates or "": 2}
    parts = [p for p in path.split(".") if p]
    if not parts:
        return "form"
    head = parts[0]
    if head == spec.lines:
        if len(parts) > 1 and parts[1].isdigit():
            sent = (rows or {}).get(head)
            index = int(parts[1])
            if sent is not None and index < len(sent):
                parts[1] = str(sent[index])
            if len(parts) > 2 and parts[2] == "document_ids":
                return head
        return ".".join(parts[:3])
    return ".".join(parts[: depth.get(head, 1)])
