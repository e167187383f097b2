"""An application's form: the definition of its program's version, and which of its forms the
application's type fills (the claim's, or the earlier application's), with how its payload is
laid out on the wire and kept in the database.

Stored, a payload says what it holds without its definition: `lines` names the lines field
(kept as rows); a flat payload keeps money as `<name>_fen`, a nested one under `fields` with the
names of its money fields in `money`. So the API shows an application without reading its
program's definition.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
import msgspec

from domain.definition import fields
from domain.definition.model import Definition, Field, Form, Prior
from domain.errors import RuleViolation
from domain.money import Money, fen_text
from portal.applications.payee import Payee
from portal.applications.payloads import Documents
from portal.errors import ProblemError
from sql.application_types import application_types
from sql.queries import Q

NESTED = "program_claim"  # the one type whose fields sit under `fields`, beside program_code
COMMON = frozenset({"type", "program_code", "fields", "payee", "documents"})
ProgramCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{1,40}$")]


class _Common(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What every application's body has besides its form's fields, checked as it is typed."""

    payee: Payee | None = None
    documents: Documents = msgspec.field(default_factory=list)


class Submitted(msgspec.Struct, kw_only=True):
    """An application as its organization sent it, whatever its layout: its type, the program
    it names (a program_claim), the fields as typed, the payee and the documents."""

    type: str
    program_code: str | None = None
    fields: dict[str, Any] = msgspec.field(default_factory=dict)
    payee: Payee | None = None
    documents: Documents = msgspec.field(default_factory=list)


def _invalid(field: str, en: str, zh: str) -> RuleViolation:
    return RuleViolation("invalid_input", en, field=field, message_zh=zh)


def unknown_type(application_type: object) -> RuleViolation:
    return _invalid(
        "type",
        f"There is no application type {application_type!r}.",
        f"不存在申请类型“{application_type}”。",
    )


async def submitted(conn: asyncpg.Connection | asyncpg.Pool, body: dict[str, Any]) -> Submitted:
    """A body (`POST /applications`, or a stored payload with changes) read into its parts."""
    kind = body.get("type")
    if not isinstance(kind, str) or kind not in await application_types(conn):
        raise unknown_type(kind)
    common = {k: body[k] for k in ("payee", "documents") if body.get(k) is not None}
    try:
        parts = msgspec.convert(common, _Common)
    except msgspec.ValidationError as exc:
        text = str(exc)
        place = text.rsplit("`$.", 1)[-1].rstrip("`") if "`$." in text else "payee"
        raise _invalid(place, f"{place}: {text}", f"{place}:格式不正确。") from None
    if kind == NESTED:
        code, given = body.get("program_code"), body.get("fields", {})
        if not isinstance(code, str) or msgspec.convert(code, ProgramCode, strict=True) != code:
            raise _invalid("program_code", "Name the program (program_code).", "请填写项目代码。")
        if not isinstance(given, dict) or len(given) > 60:
            raise _invalid(
                "fields", "fields: an object of the form's fields.", "fields 须为表单字段。"
            )
        extra = set(body) - COMMON
        if extra:
            name = sorted(extra)[0]
            raise _invalid(name, f"Unknown field {name!r}.", f"未知字段“{name}”。")
        return Submitted(type=kind, program_code=code, fields=given, **_parts(parts))
    extra = set(body) & {"program_code", "fields"}
    if extra:
        name = sorted(extra)[0]
        raise _invalid(name, f"Unknown field {name!r}.", f"未知字段“{name}”。")
    flat = {k: v for k, v in body.items() if k not in COMMON}
    return Submitted(type=kind, fields=flat, **_parts(parts))


def _parts(parts: _Common) -> dict[str, Any]:
    return {"payee": parts.payee, "documents": parts.documents}


@dataclass(frozen=True, slots=True)
class Bound:
    """The form an application of one type fills, under one version of its program."""

    code: str
    version: int
    definition: Definition
    form: Form
    kind: str  # the application type
    article: str = ""  # the policy's article its program pays under

    @property
    def prior(self) -> bool:
        return isinstance(self.form, Prior)

    @property
    def flat(self) -> bool:
        return self.kind != NESTED

    @property
    def prefix(self) -> str:
        """Where the form's fields are on the wire, as refusals name them."""
        return "" if self.flat else "fields."

    @property
    def pays(self) -> bool:
        return not self.prior

    @property
    def lines_field(self) -> Field | None:
        return self.form.lines_field

    @property
    def line_kind(self) -> str:
        f = self.lines_field
        return f.line_kind if f is not None else "expense"


@functools.lru_cache(maxsize=256)
def decoded(text: str) -> Definition:
    """A definition from its stored text, decoded once per text: keyed by the content itself,
    it cannot go stale (and a published version's text never changes)."""
    return msgspec.json.decode(text, type=Definition)


def unknown_program(code: str) -> ProblemError:
    return ProblemError(
        404, "unknown_program", f"There is no program {code!r}.", f"不存在项目“{code}”。"
    )


def bind(code: str, version: int, text: str, kind: str, article: str = "") -> Bound:
    d = decoded(text)
    if kind == d.type:
        return Bound(code, version, d, d, kind, article)
    if d.prior is not None and d.prior.type == kind:
        return Bound(code, version, d, d.prior, kind, article)
    raise unknown_type(kind)


# A published version's definition never changes (the database refuses it), so the process
# reads each one once: (program, version) → (its text, its program's article).
_PUBLISHED: dict[tuple[str, int], tuple[str, str]] = {}
# The version in effect per program as last read, with its window: a note only, which the write
# checks (create_application's $22); a version published since costs one retry.
_IN_EFFECT: dict[str, tuple[int, dt.date, dt.date]] = {}
# A published version's review chain and limit, as the work queue asks for them on every page.
_RULES: dict[tuple[str, int], tuple[str, int | None]] = {}


def forget() -> None:
    """Drop what the process keeps (a test's fresh database holds other versions)."""
    _PUBLISHED.clear()
    _IN_EFFECT.clear()
    _RULES.clear()


async def _definition(
    conn: asyncpg.Connection | asyncpg.Pool, code: str, version: int
) -> tuple[str, str]:
    found = _PUBLISHED.get((code, version))
    if found is None:
        row = await conn.fetchrow(Q.definition_text, code, version)
        if row is None:
            raise unknown_program(code)
        found = (row["params"], row["article"])
        if row["status"] == "published":
            _PUBLISHED[(code, version)] = found
    return found


async def bound(
    conn: asyncpg.Connection | asyncpg.Pool, code: str, version: int, kind: str
) -> Bound:
    text, article = await _definition(conn, code, version)
    return bind(code, version, text, kind, article)


async def claim_form(conn: asyncpg.Connection | asyncpg.Pool, code: str, version: int) -> Bound:
    """A program version's claim form (not its earlier application's)."""
    text, article = await _definition(conn, code, version)
    return bind(code, version, text, decoded(text).type, article)


class _Limit(msgspec.Struct):
    review_sla_working_days: int | None = None  # read as the statistics' SQL reads it


@functools.lru_cache(maxsize=256)
def _rules(text: str) -> tuple[str, int | None]:
    limit = msgspec.json.decode(text, type=_Limit).review_sla_working_days
    return decoded(text).workflow.review_chain, limit


async def review_rules(
    conn: asyncpg.Connection | asyncpg.Pool, code: str, version: int
) -> tuple[str, int | None]:
    """A version's review chain and its service-level limit (None: the default), read and decoded
    once per process like its definition: the work queue's page then reads no definition."""
    found = _RULES.get((code, version))
    if found is None:
        text, _ = await _definition(conn, code, version)
        found = _rules(text)
        if (code, version) in _PUBLISHED:  # published: it never changes
            _RULES[(code, version)] = found
    return found


def note_in_effect(code: str, version: int, starts: dt.date, ends: dt.date) -> None:
    _IN_EFFECT[code] = (version, starts, ends)


def forget_in_effect(code: str) -> None:
    _IN_EFFECT.pop(code, None)


def in_effect(code: str, kind: str, today: dt.date) -> Bound | None:
    """The form of the version last seen in effect, if its window holds today and its text is
    at hand: no read (the write checks the version still governs)."""
    noted = _IN_EFFECT.get(code)
    if noted is None or not noted[1] <= today <= noted[2]:
        return None
    found = _PUBLISHED.get((code, noted[0]))
    return None if found is None else bind(code, noted[0], found[0], kind, found[1])


async def bound_of(conn: asyncpg.Connection | asyncpg.Pool, app: asyncpg.Record) -> Bound:
    """The form of a stored application, under the version it was started with."""
    return await bound(conn, app["program_code"], app["program_version"], app["type"])


async def program_of(conn: asyncpg.Connection | asyncpg.Pool, sent: Submitted) -> str:
    """The program an application is for: its type's, or the one a program_claim names."""
    if sent.program_code is not None:
        return sent.program_code
    code = (await application_types(conn))[sent.type].program_code
    assert code is not None
    return code


# --------------------------------------------------------------------------- storage


def store(b: Bound, values: dict[str, fields.Value], sent: Submitted) -> dict[str, Any]:
    """A payload as the database keeps it (see the module's note)."""
    kept = fields.to_store(b.form, values)
    money = sorted(k for k, v in values.items() if isinstance(v, Money))
    lines = b.lines_field
    if b.flat:
        out: dict[str, Any] = {k: v for k, v in kept.items() if k not in money}
        out |= {f"{k}_fen": kept[k] for k in money}
    else:
        out = {"program_code": b.code, "fields": kept, "money": money}
    if lines is not None:
        out["lines"] = lines.name
    out["documents"] = msgspec.to_builtins(sent.documents)
    if sent.payee is not None:
        out["payee"] = msgspec.to_builtins(sent.payee)
    return out


def wire(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored payload as the API shows it (its lines are put in by `with_lines`)."""
    if "fields" in stored:  # nested
        money = set(stored.get("money", ()))
        out: dict[str, Any] = {
            "program_code": stored["program_code"],
            "fields": {k: fen_text(v) if k in money else v for k, v in stored["fields"].items()},
            "documents": stored.get("documents", []),
        }
        if stored.get("payee"):
            out["payee"] = stored["payee"]
    else:
        out = {}
        for k, v in stored.items():
            if k in ("lines", "approved"):
                continue
            if k.endswith("_fen") and isinstance(v, int):
                out[k.removesuffix("_fen")] = fen_text(v)
            else:
                out[k] = v
    if stored.get("approved"):
        out["approved_fields"] = {k: fen_text(v) for k, v in stored["approved"].items()}
    return out


LINE_KEYS = frozenset({"category", "description", "amount", "approved_amount", "cut_reason"})


def with_lines(
    stored: dict[str, Any], out: dict[str, Any], lines: list[dict[str, Any]]
) -> dict[str, Any]:
    """The wire payload with its lines put in: a flat form's as they always were (invoices and
    documents per line), a nested form's with only what its lines have."""
    name = stored.get("lines")
    if name and "fields" in stored:
        out["fields"][name] = [{k: v for k, v in x.items() if k in LINE_KEYS} for x in lines]
    elif name:
        out[name] = lines
    return out


def as_sent(kind: str, stored: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
    """A stored application as its organization would send it again: the body a change is
    merged into."""
    out = with_lines(stored, wire(stored), lines)
    out.pop("approved_fields", None)
    out["type"] = kind
    return out


def stored_amount(stored: dict[str, Any], name: str) -> int | None:
    """A money field's stored fen."""
    if "fields" in stored:
        value = stored["fields"].get(name) if name in stored.get("money", ()) else None
    else:
        value = stored.get(f"{name}_fen")
    return value if isinstance(value, int) else None


def stored_value(stored: dict[str, Any], name: str) -> Any:
    """Any stored field's value as the wire has it (money as yuan text)."""
    fen = stored_amount(stored, name)
    if fen is not None:
        return fen_text(fen)
    return stored["fields"].get(name) if "fields" in stored else stored.get(name)


def values_of(
    b: Bound, stored: dict[str, Any], link: uuid.UUID | None = None
) -> dict[str, fields.Value]:
    """The stored fields typed again (they were checked when written); lines are rows, and the
    earlier application pointed to is the application's `filing_id`, which the database keeps."""
    raw = {
        f.name: stored_value(stored, f.name)
        for f in b.form.fields
        if f.kind != "lines" and stored_value(stored, f.name) is not None
    }
    raw |= {f.name: str(link) for f in b.form.fields if f.kind == "reference" and link}
    values, _ = fields.read(b.form, raw, b.prefix)
    return values
