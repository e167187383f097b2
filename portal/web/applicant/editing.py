"""An application's form (saved as the user goes), its final review, submission, withdrawal and
its page with the award, the lines as reviewed and the timeline.

Every save is the API's PATCH service and every submission the API's submit service: the rules
live there. A field the service refuses is shown next to its input; the rest is still saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from domain.definition.model import DocumentRequirement
from domain.errors import RuleViolation
from domain.money import Money, parse_money
from portal.applications import services as applications
from portal.applications.schemas import ApplicationOut
from portal.auth.guards import principal_of
from portal.context import Context, Ctx
from portal.i18n import language_of
from portal.programs import services as programs
from portal.web.applicant.common import (
    REFUSALS,
    AnyRequest,
    Errors,
    Problem,
    clock_time,
    problems,
    render,
    see_other,
    status_of,
)
from portal.web.applicant.deadlines import claim_period
from portal.web.applicant.forms import (
    MAX_DESCRIPTION,
    Spec,
    State,
    changes_from,
    slot,
    spec_of,
    state_from_payload,
    state_from_post,
)
from portal.web.applicant.viewing import (
    bound_for,
    document_list,
    editable,
    load,
    spec_for,
)
from portal.web.timeline import timeline
from sql.application_types import application_types
from sql.queries import Q

DONE = frozenset({"submitted", "withdrawn", "saved"})


# ------------------------------------------------------------------ saving


@dataclass
class Saved:
    app: ApplicationOut | None  # None when nothing could be saved
    errors: Errors  # message by input slot
    problems: list[Problem]


async def save(
    ctx: Context, request: AnyRequest, app: ApplicationOut, spec: Spec, state: State
) -> Saved:
    """PATCH the draft with what the form holds. A field the service refuses is left out and
    the rest saved again, so one bad amount does not lose the other fields' changes."""
    changes = changes_from(spec, state)
    pending = dict(changes.body)
    errors: Errors = {}
    found: list[Problem] = []
    language = language_of(request)
    for _ in range(len(pending) + 1):
        try:
            out = await applications.patch(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                principal_of(request),
                app.id,
                pending,
                language,
            )
            return Saved(out, errors, found)
        except REFUSALS as exc:
            dropped = False
            for p in problems(exc, language, spec):
                _place(errors, slot(spec, p.field, changes.rows) if p.field else "form", p)
                found.append(p)
                parts = p.field.split(".") if p.field else [""]
                if spec.nested and parts[0] == "fields" and len(parts) > 1:
                    inner = dict(pending.get("fields") or {})
                    if inner.pop(parts[1], None) is not None:
                        pending["fields"] = inner
                        dropped = True
                elif parts[0] in pending:
                    del pending[parts[0]]
                    dropped = True
            if not dropped or not pending:
                return Saved(None, errors, found)
    return Saved(None, errors, found)


def _stages(spec: Spec, form: FormMultiDict) -> list[str]:
    name = spec.stages.name if spec.stages else ""
    return [str(s) for s in form.getall(name)] if name and name in form else []


# ------------------------------------------------------------------ what the pages show


async def filing_of(
    ctx: Context, request: AnyRequest, app: ApplicationOut, spec: Spec
) -> dict[str, Any] | None:
    """A claim's earlier application (its filing): title, reference, dates and claim period."""
    filing_id = (app.payload.get("fields") or {} if spec.nested else app.payload).get(
        spec.filing or ""
    )
    if spec.filing is None or not filing_id:
        return None
    filing = await load(ctx, request, UUID(str(filing_id)))
    async with ctx.pool.acquire() as conn:
        period = await claim_period(conn, await conn.fetchrow(Q.prior_application, filing.id))
    return {"app": filing, "period": period}


async def exchange_choices(ctx: Context, request: AnyRequest, spec: Spec) -> list[Any]:
    if not any(f.kind == "exchange" for f in spec.fields):
        return []
    listed = await programs.list_exchanges(ctx.pool, ctx.today(), language_of(request))
    return [e for e in listed.items if e.market == "overseas"]


def line_total(lines: list[dict[str, Any]], key: str = "amount") -> Money:
    """The sum of the lines' amounts; one the service would refuse counts for nothing."""
    total = Money.ZERO
    for line in lines:
        value = line.get(key)
        if value:
            try:
                total += parse_money(str(value), key)
            except RuleViolation:
                continue
    return total


async def edit_page(
    ctx: Context,
    request: AnyRequest,
    app: ApplicationOut,
    *,
    state: State | None = None,
    errors: Errors | None = None,
    found: list[Problem] | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Template:
    b = await bound_for(ctx, app)
    spec = spec_of(b)
    state = state or state_from_payload(spec, app.payload)
    return await render(
        request,
        "edit.html",
        status_code=status_code,
        app=app,
        spec=spec,
        state=state,
        errors=errors or {},
        problems=found or [],
        documents=await document_list(ctx, request, state.documents),
        checklist=checklist_of(b.form.documents, state.documents),
        filing=await filing_of(ctx, request, app, spec),
        exchanges=await exchange_choices(ctx, request, spec),
        max_description=MAX_DESCRIPTION,
        rows_total=line_total(state.rows),
        saved=saved,
        heading=await heading_of(ctx, app),
    )


async def heading_of(ctx: Context, app: ApplicationOut) -> tuple[str, str] | None:
    """A program_claim's page is headed by its program's title (other types by their own)."""
    if app.payload.get("fields") is None:
        return None
    row = await ctx.pool.fetchrow(Q.program_by_code, app.program_code)
    return (row["title_zh"], row["title_en"]) if row else None


def _lines_of(spec: Spec, app: ApplicationOut) -> list[dict[str, Any]]:
    given = app.payload.get("fields") or {} if spec.nested else app.payload
    return list(given.get(spec.lines) or []) if spec.lines else []


async def _review_page(
    ctx: Context,
    request: AnyRequest,
    app: ApplicationOut,
    *,
    found: list[Problem] | None = None,
    status_code: int = 200,
) -> Template:
    spec = await spec_for(ctx, app)
    lines = _lines_of(spec, app)
    state = state_from_payload(spec, app.payload)
    return await render(
        request,
        "review.html",
        status_code=status_code,
        app=app,
        spec=spec,
        state=state,
        lines=lines,
        total=line_total(lines),
        documents=await document_list(ctx, request, state.documents),
        filing=await filing_of(ctx, request, app, spec),
        exchanges=await exchange_choices(ctx, request, spec),
        problems=found or [],
        heading=await heading_of(ctx, app),
    )


def _place(errors: Errors, key: str, p: Problem) -> None:
    errors[key] = f"{errors[key]};{p.message}" if key in errors else p.message


async def refuse_page(
    ctx: Context, request: AnyRequest, app: ApplicationOut, exc: Exception
) -> Template:
    """A refused submission: where a problem concerns a field, the form opens again with each
    error beside its control (applicant.js brings the first into view); else the review page."""
    spec = await spec_for(ctx, app)
    found = problems(exc, language_of(request), spec)
    if editable(app) and any(p.field for p in found):
        errors: Errors = {}
        for p in found:
            _place(errors, slot(spec, p.field) if p.field else "form", p)
        return await edit_page(
            ctx, request, app, errors=errors, found=found, status_code=status_of(exc)
        )
    return await _review_page(ctx, request, app, found=found, status_code=status_of(exc))


async def _claim_type(ctx: Context, app: ApplicationOut) -> str | None:
    """The type of the claims that point to this earlier application."""
    types = await application_types(ctx.pool)
    return next(
        (t.type for t in types.values() if t.program_code == app.program_code and not t.prior),
        None,
    )


def checklist_of(
    requirements: tuple[DocumentRequirement, ...], refs: list[dict[str, str]]
) -> list[tuple[DocumentRequirement, bool]]:
    """The form's checklist, each with whether a document of its kind is attached."""
    attached = {r.get("kind") for r in refs}
    return [(req, req.kind in attached) for req in requirements]


class EditPages:
    """Mixed into ApplicantPages (path /app)."""

    @get("/applications/{application_id:uuid}", name="app:application")
    async def application(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        done: Annotated[str | None, Parameter(max_length=20)] = None,
    ) -> Template:
        app = await load(ctx, request, application_id)
        spec = await spec_for(ctx, app)
        lines = _lines_of(spec, app)
        reviewed = any(x.get("approved_amount") for x in lines)
        claim: dict[str, Any] | None = None
        if not spec.pays and app.status == "recognized":
            async with ctx.pool.acquire() as conn:
                live = await conn.fetchval(Q.live_claim_for_filing, app.id, None)
                period = await claim_period(conn, await conn.fetchrow(Q.prior_application, app.id))
            kind = await _claim_type(ctx, app)
            if period is not None and kind is not None:
                claim = {"live": live, "first": period[0], "last": period[1], "type": kind}
        state = state_from_payload(spec, app.payload)
        row = await ctx.pool.fetchrow(Q.application_by_id, app.id)
        return await render(
            request,
            "application.html",
            app=app,
            title=row["title"],
            spec=spec,
            lines=lines,
            total=line_total(lines),
            approved_total=line_total(lines, "approved_amount") if reviewed else None,
            reviewed=reviewed,
            documents=await document_list(ctx, request, state.documents),
            filing=await filing_of(ctx, request, app, spec),
            exchanges=await exchange_choices(ctx, request, spec),
            state=state,
            heading=await heading_of(ctx, app),
            events=timeline(app.history),
            claim=claim,
            editable=editable(app),
            done=done if done in DONE else None,
            returned_comment=next(
                (h.comment for h in reversed(app.history) if h.action == "return"), ""
            ),
        )

    @get("/applications/{application_id:uuid}/edit")
    async def edit(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        saved: FromQuery[bool] = False,
    ) -> Template | Redirect:
        app = await load(ctx, request, application_id)
        if not editable(app):
            return see_other(f"/app/applications/{app.id}")
        return await edit_page(ctx, request, app, saved=saved)

    @post("/applications/{application_id:uuid}/edit", status_code=303)
    async def save_form(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Template | Redirect:
        """The form posted without script (or its buttons): save, then stay or go to review."""
        app = await load(ctx, request, application_id)
        spec = await spec_for(ctx, app)
        form = await request.form()
        state = state_from_post(spec, form, _stages(spec, form))
        result = await save(ctx, request, app, spec, state)
        if result.errors:
            return await edit_page(
                ctx,
                request,
                result.app or app,
                state=state,
                errors=result.errors,
                found=result.problems,
                status_code=422 if "form" not in result.errors else 409,
            )
        if form.get("next") == "review":
            return see_other(f"/app/applications/{app.id}/review")
        return see_other(f"/app/applications/{app.id}/edit?saved=true")

    @post("/applications/{application_id:uuid}/autosave", status_code=200)
    async def autosave(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Template:
        """htmx, on change: the same save, answered with a small status and the field errors."""
        app = await load(ctx, request, application_id)
        spec = await spec_for(ctx, app)
        form = await request.form()
        state = state_from_post(spec, form, _stages(spec, form))
        result = await save(ctx, request, app, spec, state)
        return await render(
            request,
            "_save_status.html",
            app=result.app or app,
            spec=spec,
            saved_at=clock_time(ctx.clock.now()) if result.app is not None else None,
            errors=result.errors,
            problems=result.problems,
        )

    @get("/applications/{application_id:uuid}/review")
    async def review(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Template | Redirect:
        app = await load(ctx, request, application_id)
        return await _review_page(ctx, request, app)

    @post("/applications/{application_id:uuid}/submit", status_code=303)
    async def submit(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Template | Redirect:
        app = await load(ctx, request, application_id)
        try:
            await applications.submit(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                principal_of(request),
                application_id,
                language_of(request),
            )
        except REFUSALS as exc:
            return await refuse_page(ctx, request, app, exc)
        return see_other(f"/app/applications/{application_id}?done=submitted")

    @post("/applications/{application_id:uuid}/withdraw", status_code=303)
    async def withdraw(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Template | Redirect:
        app = await load(ctx, request, application_id)
        try:
            await applications.withdraw(
                ctx.pool,
                ctx.clock.now(),
                principal_of(request),
                application_id,
                language_of(request),
            )
        except REFUSALS as exc:
            return await refuse_page(ctx, request, app, exc)
        return see_other(f"/app/applications/{application_id}?done=withdrawn")
