"""Each application type's form: which inputs it has, how a post becomes the PATCH body, and how
a stored payload fills the inputs again.

The choices (event types, categories, stages…) are read from the API's own payload structs, so a
new value there shows here without a second list. Input names are the service's field paths with
`-` for `.` (`budget_lines-0-amount` for `budget_lines.0.amount`), so an error the service names
lands next to its input.
"""

from __future__ import annotations

import builtins
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

from domain.event_support import WUHAN_DISTRICTS
from domain.programs import STAGES
from portal.applications.payloads import BudgetLine, Category, DocumentKind
from portal.applications.registry import HANDLERS
from portal.event_support.schemas import EventClaim, EventFiling
from portal.ipo.schemas import IpoDomesticClaim, IpoOverseasClaim
from portal.scenario.schemas import ScenarioProject
from portal.unveiling.schemas import UnveilingAward

Kind = Literal["text", "textarea", "date", "int", "money", "select", "list", "exchange"]


def _literal(tp: Any) -> tuple[str, ...]:
    """The values of the Literal inside `tp` (through Optional and Annotated), in declared order."""
    if typing.get_origin(tp) is Literal:
        return tuple(str(v) for v in typing.get_args(tp))
    for arg in typing.get_args(tp):
        found = _literal(arg)
        if found:
            return found
    return ()


def _max_length(struct: type[msgspec.Struct], name: str) -> int | None:
    for f in msgspec.inspect.type_info(struct).fields:  # type: ignore[attr-defined]
        if f.name == name:
            tp = f.type
            for inner in getattr(tp, "types", (tp,)):
                inner = getattr(inner, "type", inner)  # Metadata wraps the type
                limit = getattr(inner, "max_length", None)
                if limit is not None:
                    return int(limit)
    return None


def _choices(struct: type[msgspec.Struct], name: str) -> tuple[str, ...]:
    hints = typing.get_type_hints(struct, include_extras=True)
    return _literal(hints[name])


CATEGORIES: tuple[str, ...] = _literal(Category)
DOCUMENT_KINDS: tuple[str, ...] = _literal(DocumentKind)


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    choices: tuple[str, ...] = ()
    prefix: str = "v_"  # the i18n key of a choice is prefix + value
    maxlength: int | None = None
    hint: str | None = None  # an i18n key shown under the input
    wide: bool = False


@dataclass(frozen=True)
class Spec:
    type: str
    struct: builtins.type[msgspec.Struct]
    fields: tuple[Field, ...]
    lines: str | None = None  # the payload's lines field
    invoices: bool = False  # expense lines carry invoice numbers
    stages: bool = False
    payee: bool = False
    doc_kinds: tuple[str, ...] = ("other",)
    filing: bool = False  # a claim shows its filing, fixed at creation
    total_field: str | None = None  # a money field the lines must add up to (shown beside them)


def _f(struct: type[msgspec.Struct], name: str, kind: Kind, **kw: Any) -> Field:
    if kind == "select" and "choices" not in kw:
        kw["choices"] = _choices(struct, name)
    if kind in ("text", "textarea", "list") and "maxlength" not in kw:
        kw["maxlength"] = _max_length(struct, name) or None
    return Field(name, kind, **kw)


SPECS: dict[str, Spec] = {
    "event_filing": Spec(
        "event_filing",
        EventFiling,
        (
            _f(EventFiling, "title", "text", wide=True),
            _f(EventFiling, "event_type", "select"),
            _f(EventFiling, "level", "select"),
            _f(EventFiling, "venue", "text", wide=True),
            _f(EventFiling, "district", "select", choices=tuple(WUHAN_DISTRICTS), prefix="d_"),
            _f(EventFiling, "starts_on", "date", hint="hint_starts_on"),
            _f(EventFiling, "ends_on", "date"),
            _f(EventFiling, "expected_attendance", "int"),
            _f(EventFiling, "co_organizers", "list", maxlength=None, hint="hint_one_per_line"),
        ),
        lines="budget_lines",
        doc_kinds=("plan", "qualification", "evidence", "other"),
    ),
    "event_claim": Spec(
        "event_claim",
        EventClaim,
        (
            _f(EventClaim, "actual_attendance", "int"),
            _f(EventClaim, "summary", "textarea", wide=True),
        ),
        lines="expense_lines",
        invoices=True,
        payee=True,
        doc_kinds=("audit_report", "summary", "invoice", "evidence", "payee", "other"),
        filing=True,
    ),
    "ipo_domestic_claim": Spec(
        "ipo_domestic_claim",
        IpoDomesticClaim,
        (
            _f(IpoDomesticClaim, "exchange", "select", prefix="x_"),
            _f(IpoDomesticClaim, "stock_code", "text", maxlength=12),
            _f(IpoDomesticClaim, "disclosure", "textarea", wide=True),
        ),
        stages=True,
        payee=True,
        doc_kinds=("disclosure", "evidence", "payee", "other"),
    ),
    "ipo_overseas_claim": Spec(
        "ipo_overseas_claim",
        IpoOverseasClaim,
        (
            _f(IpoOverseasClaim, "exchange", "exchange"),
            _f(IpoOverseasClaim, "listed_on", "date"),
            _f(IpoOverseasClaim, "stock_code", "text", maxlength=12),
            _f(IpoOverseasClaim, "raised_total", "money"),
            _f(IpoOverseasClaim, "invested_in_wuhan", "money", hint="hint_invested"),
        ),
        payee=True,
        doc_kinds=("disclosure", "evidence", "payee", "other"),
    ),
    "scenario_project": Spec(
        "scenario_project",
        ScenarioProject,
        (
            _f(ScenarioProject, "call_year", "int"),
            _f(ScenarioProject, "title", "text", wide=True),
            _f(ScenarioProject, "field", "select"),
            _f(ScenarioProject, "starts_on", "date"),
            _f(ScenarioProject, "ends_on", "date"),
            _f(ScenarioProject, "summary", "textarea", wide=True),
            _f(ScenarioProject, "total_investment", "money", hint="hint_total_investment"),
        ),
        lines="investment_lines",
        payee=True,
        doc_kinds=("plan", "evidence", "payee", "other"),
        total_field="total_investment",
    ),
    "unveiling_award": Spec(
        "unveiling_award",
        UnveilingAward,
        (
            _f(UnveilingAward, "task_list", "select"),
            _f(UnveilingAward, "task_name", "text", wide=True),
            _f(UnveilingAward, "task_batch", "text"),
            _f(UnveilingAward, "certificate_no", "text", maxlength=60),
            _f(UnveilingAward, "transformation_summary", "textarea", wide=True),
        ),
        payee=True,
        doc_kinds=("certificate", "evidence", "payee", "other"),
    ),
}
# A claim on a program defined as data has its form made from its definition (program_form.py).
GENERATED = "program_claim"
assert set(SPECS) == set(HANDLERS) - {GENERATED}, "every application type has a form"
assert all(SPECS[t].payee == HANDLERS[t].pays for t in SPECS), "a claim that pays asks whom"
STAGE_NAMES: tuple[str, ...] = STAGES
LINE_COLUMNS = ("category", "description", "invoice_numbers", "amount")
MAX_DESCRIPTION = _max_length(BudgetLine, "description")
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
    for f in spec.fields:
        state.values[f.name] = _text(payload.get(f.name))
    if spec.lines:
        for line in payload.get(spec.lines) or []:
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
        state.stages = [str(s) for s in payload.get("stages") or []]
        for stage, day in (payload.get("stage_dates") or {}).items():
            state.values[f"stage_dates-{stage}"] = str(day)
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
        state.stages = [s for s in STAGE_NAMES if s in stages]
        for stage in STAGE_NAMES:
            state.values[f"stage_dates-{stage}"] = _get(form, f"stage_dates-{stage}")
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
    body["documents"] = [dict(d) for d in state.documents]
    rows["documents"] = list(range(len(state.documents)))
    if spec.stages:
        body["stages"] = list(state.stages)
        body["stage_dates"] = {
            stage: state.values[f"stage_dates-{stage}"]
            for stage in STAGE_NAMES
            if state.values.get(f"stage_dates-{stage}")
        }
    if spec.payee:
        payee = {
            name: state.values[f"payee-{name}"]
            for name in ("account_name", "bank", "account_no")
            if state.values.get(f"payee-{name}")
        }
        body["payee"] = payee or None
    return Changes(body, rows)


# ------------------------------------------------------------------ error paths

_SLOT_DEPTH = {"documents": 1, "payee": 2, "stage_dates": 2}


def slot(spec: Spec, path: str, rows: Mapping[str, list[int]] | None = None) -> str:
    """Where an error about `path` (as the service names it) is shown on the form.

    `budget_lines.1.amount` of the second line *sent* becomes the row it came from; a deeper
    path is cut to the input that holds it (`…invoice_numbers.2` → `…invoice_numbers`).
    """
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
    return ".".join(parts[: _SLOT_DEPTH.get(head, 1)])
