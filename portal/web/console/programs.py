"""Programs on the console: the list (drafts included), a new program defined as data, and each
version's page, where an admin edits a draft's definition, previews its form and calculator on
sample inputs, compares it with another version and publishes it. Every step is the API's
service (portal/programs/versions.py), so the rule and the audit trail are the same."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import msgspec
from litestar import get, post
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template

from domain.definition import words
from domain.definition.award import rule_text
from domain.definition.model import ALREADY_PAID, Definition
from domain.errors import RuleViolation
from portal.auth.guards import city_staff, principal_of
from portal.bodies import MAX_DEPTH, too_deep
from portal.context import Context, Ctx
from portal.errors import ProblemError
from portal.i18n import language_of
from portal.programs import schemas as s
from portal.programs import services as programs
from portal.programs import versions
from portal.web.console.common import ADMIN_ONLY, AnyRequest, render, see_other
from portal.web.forms import REFUSALS, read_form, text
from sql.queries import Q

Version = Annotated[int, Parameter(ge=1, le=100_000)]
Against = Annotated[int | None, Parameter(ge=1, le=100_000)]
DONE = {"drafted", "saved", "published", "created"}
PROGRAM_FIELDS = ("code", "article", "title_zh", "title_en")

# What a new program's editor starts from: one field, one document, a rate with a cap.
STARTER: dict[str, Any] = {
    "fields": [
        {"name": "project_name", "kind": "text", "label_zh": "项目名称", "label_en": "Project"},
        {"name": "costs", "kind": "money", "label_zh": "费用(元)", "label_en": "Costs (yuan)"},
    ],
    "documents": [{"kind": "plan", "label_zh": "项目方案", "label_en": "Plan"}],
    "eligibility": [{"rule": "registered_in_wuhan"}, {"rule": "at_most"}],
    "award": [
        {"op": "input", "field": "costs"},
        {"op": "rate", "bp": 3000},
        {"op": "cap", "amount": "300000.00"},
    ],
    "estimate_inputs": ["costs"],
    "title_field": "project_name",
}


def _pretty(document: Any) -> str:
    return msgspec.json.format(msgspec.json.encode(document), indent=2).decode()


def _editor_text(params: dict[str, Any]) -> str:
    """A version's definition as the editor shows it: in its own order (fields, award,
    documents...), not the database's."""
    return _pretty(msgspec.convert(params, Definition))


def _document(raw: str) -> dict[str, Any]:
    """The editor's text as a JSON object; a syntax error is placed by line and column."""
    body = raw.encode()
    if too_deep(body):
        raise RuleViolation(
            "invalid_params",
            f"The definition may nest at most {MAX_DEPTH} levels deep.",
            field="params",
            message_zh=f"定义的嵌套层数不能超过 {MAX_DEPTH} 层。",
        )
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RuleViolation(
            "invalid_params",
            f"The text is not valid JSON near line {exc.lineno}, column {exc.colno}: "
            "check the commas, quotes and brackets there.",
            field="params",
            message_zh=f"第 {exc.lineno} 行第 {exc.colno} 列附近格式有误:"
            "请检查该处的逗号、引号和括号。",
        ) from None
    if not isinstance(value, dict):
        raise RuleViolation(
            "invalid_params",
            "The definition must be a JSON object, in braces { }.",
            field="params",
            message_zh="参数须为 JSON 对象(以 { } 包围)。",
        )
    return value


def _version_fields(submitted: dict[str, str]) -> dict[str, Any]:
    return {
        "effective_from": submitted.get("effective_from", ""),
        "effective_to": submitted.get("effective_to", ""),
        "params": _document(submitted.get("params", "")),
        "note": submitted.get("note", ""),
    }


def _version_in(submitted: dict[str, str]) -> s.NewVersionIn:
    """The editor's form as the API's body."""
    return msgspec.convert(_version_fields(submitted), s.NewVersionIn, strict=False)


def _problems(exc: Exception, document: Any, zh: bool) -> list[dict[str, str]]:
    """A refusal as the editor lists it: where (in words) and what to fix."""
    found: list[RuleViolation]
    if isinstance(exc, ProblemError):
        found = list(exc.errors or [])
        if not found:
            return [{"place": "", "message": exc.detail_zh if zh else exc.detail_en}]
    elif isinstance(exc, RuleViolation):
        found = [exc]
    else:
        return [{"place": "", "message": str(exc)}]
    doc = document if isinstance(document, dict) else None
    return [
        {
            "place": words.place(v.field, doc, zh) if v.field not in (None, "params") else "",
            "message": v.message_zh if zh else v.message,
            "field": v.field or "",
        }
        for v in found
    ]


def _sample_inputs(d: Definition, form: Any) -> dict[str, Any]:
    """The calculator's inputs as the preview form sent them, typed as the API takes them."""
    out: dict[str, Any] = {}
    for name, field_name in d.estimate_names().items():
        f = d.field(field_name)
        if f is not None and f.kind == "choices":
            picked = [str(v) for v in form.getall(f"in-{name}")] if f"in-{name}" in form else []
            if picked:
                out[name] = picked
            continue
        value = text(form, f"in-{name}")
        if value:
            out[name] = int(value) if f and f.kind == "integer" and value.isdigit() else value
    return out


class ProgramPages:
    """Mixed into ConsolePages (path /console)."""

    @get("/programs")
    async def programs_list(self, ctx: Ctx, request: AnyRequest) -> Template:
        return await _list_page(ctx, request)

    @post("/programs", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def create_program(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        submitted = {k: text(form, k) for k in form}
        try:
            data = msgspec.convert(
                {
                    **{
                        k: submitted.get(k, "") for k in ("code", "article", "title_zh", "title_en")
                    },
                    **_version_fields(submitted),
                },
                s.NewProgramIn,
                strict=False,
            )
            made = await versions.create_program(
                ctx.pool, ctx.clock.now(), principal_of(request), data
            )
        except REFUSALS as exc:
            zh = language_of(request) == "zh"
            return await _list_page(
                ctx,
                request,
                status_code=getattr(exc, "status", 422),
                problems=_problems(exc, _loose(submitted.get("params", "")), zh),
                submitted=submitted,
            )
        return see_other(f"/console/programs/{data.code}/versions/{made.version}?done=created")

    @get("/programs/{code:str}")
    async def program_versions(
        self, ctx: Ctx, request: AnyRequest, code: FromPath[str]
    ) -> Template:
        return await _program_page(ctx, request, code)

    @post("/programs/{code:str}/versions", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def add_version(
        self, ctx: Ctx, request: AnyRequest, code: FromPath[str]
    ) -> Redirect | Template:
        """A new draft, from the text given (the program page fills in the current rule)."""
        form = await read_form(request)
        submitted = {k: text(form, k) for k in form}
        try:
            data = _version_in(submitted)
            made = await versions.add_version(
                ctx.pool, ctx.clock.now(), principal_of(request), code, data
            )
        except REFUSALS as exc:
            zh = language_of(request) == "zh"
            return await _program_page(
                ctx,
                request,
                code,
                status_code=getattr(exc, "status", 422),
                problems=_problems(exc, _loose(submitted.get("params", "")), zh),
                submitted=submitted,
            )
        return see_other(f"/console/programs/{code}/versions/{made.version}?done=drafted")

    @get("/programs/{code:str}/versions/{version:int}")
    async def version_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: FromPath[str],
        version: FromPath[Version],
        against: Against = None,
    ) -> Template:
        return await _version_page(ctx, request, code, version, against=against)

    @post(
        "/programs/{code:str}/versions/{version:int}",
        status_code=303,
        guards=[ADMIN_ONLY, city_staff],
    )
    async def save_draft(
        self, ctx: Ctx, request: AnyRequest, code: FromPath[str], version: FromPath[Version]
    ) -> Redirect | Template:
        form = await read_form(request)
        submitted = {k: text(form, k) for k in form}
        try:
            data = _version_in(submitted)
            await versions.update_draft(
                ctx.pool, ctx.clock.now(), principal_of(request), code, version, data
            )
        except REFUSALS as exc:
            zh = language_of(request) == "zh"
            return await _version_page(
                ctx,
                request,
                code,
                version,
                status_code=getattr(exc, "status", 422),
                problems=_problems(exc, _loose(submitted.get("params", "")), zh),
                submitted=submitted,
            )
        return see_other(f"/console/programs/{code}/versions/{version}?done=saved")

    @post("/programs/{code:str}/versions/{version:int}/preview", status_code=200)
    async def try_version(
        self, ctx: Ctx, request: AnyRequest, code: FromPath[str], version: FromPath[Version]
    ) -> Template:
        """The calculator of this version on the sample inputs given (changes nothing)."""
        form = await read_form(request)
        samples = {k.removeprefix("in-"): text(form, k) for k in form if k.startswith("in-")}
        return await _version_page(ctx, request, code, version, form=form, samples=samples)

    @post(
        "/programs/{code:str}/versions/{version:int}/publish",
        status_code=303,
        guards=[ADMIN_ONLY, city_staff],
    )
    async def publish(
        self, ctx: Ctx, request: AnyRequest, code: FromPath[str], version: FromPath[Version]
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            data = msgspec.convert(
                {
                    "effective_from": text(form, "effective_from") or None,
                    "effective_to": text(form, "effective_to") or None,
                },
                s.PublishIn,
                strict=False,
            )
            await versions.publish(
                ctx.pool, ctx.clock.now(), principal_of(request), code, version, data
            )
        except REFUSALS as exc:
            zh = language_of(request) == "zh"
            return await _version_page(
                ctx,
                request,
                code,
                version,
                status_code=getattr(exc, "status", 422),
                problems=_problems(exc, None, zh),
            )
        return see_other(f"/console/programs/{code}/versions/{version}?done=published")


async def _program(ctx: Context, code: str) -> Any:
    program = await ctx.pool.fetchrow(Q.program_by_code, code)
    if program is None:
        raise programs.unknown_program(code)
    return program


def _loose(raw: str) -> Any:
    """The editor's text, if it parses, to name the places of its problems."""
    if too_deep(raw.encode()):
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _done(request: AnyRequest) -> str | None:
    done = request.query_params.get("done")
    return done if done in DONE else None


async def _list_page(
    ctx: Context,
    request: AnyRequest,
    *,
    status_code: int = 200,
    problems: list[dict[str, str]] | None = None,
    submitted: dict[str, str] | None = None,
) -> Template:
    today = ctx.today()
    defaults = {
        "effective_from": dt.date(today.year + 1, 1, 1).isoformat(),
        "effective_to": dt.date(today.year + 1, 12, 31).isoformat(),
        "params": _pretty(STARTER),
    }
    return render(
        request,
        "programs.html",
        status_code=status_code,
        programs=await ctx.pool.fetch(Q.all_programs, today),
        problems=problems or [],
        submitted=submitted or defaults,
    )


async def _program_page(
    ctx: Context,
    request: AnyRequest,
    code: str,
    *,
    status_code: int = 200,
    problems: list[dict[str, str]] | None = None,
    submitted: dict[str, str] | None = None,
) -> Template:
    program = await _program(ctx, code)
    rows = await ctx.pool.fetch(Q.program_versions, code, True)
    listed = [programs.version_out(v) for v in rows]
    in_effect = await ctx.pool.fetchval(Q.version_on, code, ctx.today())
    latest = rows[-1]
    # A new draft starts from the latest version's rule, for the next year by default.
    starts = dt.date(ctx.today().year + 1, 1, 1)
    ends = max(latest["effective_to"], dt.date(starts.year, 12, 31))
    defaults = {
        "effective_from": starts.isoformat(),
        "effective_to": ends.isoformat(),
        "params": _editor_text(latest["params"]),
        "note": "",
    }
    return render(
        request,
        "program.html",
        status_code=status_code,
        program=program,
        in_effect=in_effect,
        versions=list(reversed(listed)),
        problems=problems or [],
        submitted=submitted or defaults,
        done=_done(request),
    )


async def _version_page(
    ctx: Context,
    request: AnyRequest,
    code: str,
    version: int,
    *,
    against: int | None = None,
    status_code: int = 200,
    problems: list[dict[str, str]] | None = None,
    submitted: dict[str, str] | None = None,
    form: Any = None,
    samples: dict[str, str] | None = None,
) -> Template:
    row = await ctx.pool.fetchrow(Q.version_of, code, version)
    if row is None:
        raise ProblemError(
            404, "not_found", f"{code} has no version {version}.", f"{code} 没有版本 {version}。"
        )
    program = await _program(ctx, code)
    zh = language_of(request) == "zh"
    d = msgspec.convert(row["params"], Definition)
    inputs = _sample_inputs(d, form) if form is not None else {}
    preview = await versions.preview(
        ctx.pool, code, version, s.PreviewIn(inputs=inputs), language_of(request), ctx.today()
    )
    previous = against or (version - 1 if version > 1 else None)
    changes = None
    if previous is not None and previous != version:
        found = await versions.diff(ctx.pool, code, version, previous)
        document = s.params_to_wire(row["params"])
        changes = [
            {"place": words.place(c.path, document, zh), "path": c.path, "c": c}
            for c in found.changes
        ]
    out = programs.version_out(row)
    return render(
        request,
        "program_version.html",
        status_code=status_code,
        program=program,
        v=out,
        d=d,
        zh=zh,
        rule=rule_text(d)[0 if zh else 1] if d else "",
        eligibility=[words.eligibility(r, d, zh) for r in d.eligibility] if d else [],
        preview=preview,
        samples=samples or {},
        sample_names=_sample_names(d),
        against=previous,
        changes=changes,
        others=[n for n in await ctx.pool.fetch(Q.program_versions, code, True)],
        problems=problems or [],
        submitted=submitted
        or {
            "effective_from": out.effective_from.isoformat(),
            "effective_to": out.effective_to.isoformat(),
            "params": _editor_text(row["params"]),
            "note": out.note,
        },
        done=_done(request),
    )


def _sample_names(d: Definition) -> list[tuple[str, str, str, tuple[tuple[str, str, str], ...]]]:
    """The calculator's inputs as (name, label zh, label en, choices if it picks some)."""
    out: list[tuple[str, str, str, tuple[tuple[str, str, str], ...]]] = []
    for name, field_name in d.estimate_names().items():
        f = d.field(field_name)
        if name == ALREADY_PAID and f is None:
            out.append((name, "已获同类资金(元)", "Already paid (yuan)", ()))
            continue
        options = tuple((o.value, o.label_zh, o.label_en) for o in f.options) if f else ()
        picks = options if f is not None and f.kind == "choices" else ()
        out.append((name, f.label_zh if f else name, f.label_en if f else name, picks))
    return out
