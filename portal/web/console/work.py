"""The work queue and an application's page: documents, breakdown, flags, decisions, payment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar, get_args
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Stream, Template

from domain.accounts import Role
from domain.lifecycle import DECISIONS
from domain.money import Money, parse_money
from portal.applications import schemas as app_schemas
from portal.applications.views import application_out
from portal.auth.guards import has_role, principal_of
from portal.calls import schemas as call_schemas
from portal.calls import services as call_service
from portal.context import Ctx
from portal.documents import services as documents
from portal.documents.controllers import file_response
from portal.documents.storage import storage_for
from portal.i18n import language_of
from portal.objections import schemas as objection_schemas
from portal.objections import services as objections
from portal.payments import services as payments
from portal.payments.schemas import DisbursementIn
from portal.programs import follow_ups
from portal.programs import services as programs
from portal.programs.contents import contents_of
from portal.recoveries import schemas as recovery_schemas
from portal.recoveries import services as recoveries
from portal.review import services as review
from portal.web.console.common import AnyRequest, render, see_other
from portal.web.forms import REFUSALS, Errors, checked, failure, read_form, text
from portal.web.timeline import timeline
from sql.queries import Q

T = TypeVar("T", bound=msgspec.Struct)
STATUSES: tuple[str, ...] = get_args(app_schemas.StatusName)
TYPES: tuple[str, ...] = get_args(app_schemas.TypeName)
PAGE_SIZE = 25
# The order decision forms appear in on the page.
DECISION_ORDER = ("pass", "approve", "return", "reject", "uphold_objection")

# The forms on an application's page, whose success the page confirms.
DONE_MESSAGES = frozenset(
    {*DECISION_ORDER, "score", "disburse", "follow_up", "resolve", "recovery", "repayment"}
)

# What each role works on first; admins and auditors see everything.
_ROLE_DEFAULT: tuple[tuple[Role, str], ...] = (
    (Role.REVIEWER, "submitted"),
    (Role.APPROVER, "reviewed"),
    (Role.FINANCE, "confirmed"),
)


def default_status(roles: frozenset[Role]) -> str | None:
    if Role.ADMIN in roles or Role.AUDITOR in roles:
        return None
    for role, status in _ROLE_DEFAULT:
        if role in roles:
            return status
    return None


class WorkPages:
    """Mixed into ConsolePages (path /console)."""

    @get("/", name="console:queue")
    async def queue(
        self,
        ctx: Ctx,
        request: AnyRequest,
        status: Annotated[str | None, Parameter(max_length=20)] = None,
        type: Annotated[str | None, Parameter(max_length=30)] = None,
        program: Annotated[str | None, Parameter(max_length=40)] = None,
        q: Annotated[str | None, Parameter(max_length=100)] = None,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
        overdue: Annotated[str | None, Parameter(max_length=5)] = None,
    ) -> Template:
        principal = principal_of(request)
        overdue_only = bool(overdue)  # the form's checkbox: "1", or absent
        # No status in the URL: the role's own work. `status=` (empty): every status.
        chosen = default_status(principal.roles) if status is None else (status or None)
        errors: Errors = {}
        if chosen is not None and chosen not in STATUSES:
            errors["status"] = chosen
            chosen = None
        if type and type not in TYPES:
            errors["type"] = type
            type = None
        search = (q or "").replace("\x00", "").strip() or None
        result = await review.queue(
            ctx.pool,
            principal,
            ctx.clock.now(),
            status=chosen,
            type_=type or None,
            program=program or None,
            q=search,
            limit=PAGE_SIZE,
            cursor=cursor or None,
            overdue=overdue_only,
        )
        listed = await programs.list_programs(ctx.pool, ctx.today())
        filters = {
            "status": chosen or "",
            "type": type or "",
            "program": program or "",
            "q": search or "",
            "overdue": overdue_only,
        }
        return render(
            request,
            "queue.html",
            items=result.items,
            next_cursor=result.next_cursor,
            paged=bool(cursor),
            filters=filters,
            statuses=STATUSES,
            types=TYPES,
            programs=listed.items,
            errors=errors,
        )

    # ------------------------------------------------------------------ application

    @get("/applications/{application_id:uuid}", name="console:application")
    async def application(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        done: FromQuery[str | None] = None,
    ) -> Template:
        context = await _detail(ctx, request, application_id)
        shown = done if done in DONE_MESSAGES else None
        return render(request, "application.html", done=shown, **context)

    @post(
        "/applications/{application_id:uuid}/decisions",
        status_code=303,
        guards=[has_role(Role.REVIEWER, Role.APPROVER)],
    )
    async def decide(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Redirect | Template:
        form = await read_form(request)
        action = text(form, "action")
        try:
            data = _decision(form, action)
            await review.decide(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                principal_of(request),
                application_id,
                data,
                language_of(request),
            )
        except REFUSALS as exc:
            return await _refused(ctx, request, application_id, action, form, exc)
        return see_other(f"/console/applications/{application_id}?done={action}")

    @post(
        "/applications/{application_id:uuid}/scores",
        status_code=303,
        guards=[has_role(Role.REVIEWER)],
    )
    async def score(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            data = msgspec.convert(
                {
                    "score": int(text(form, "score")) if text(form, "score").isdigit() else -1,
                    "comment": text(form, "comment"),
                    "declare_no_conflict": checked(form, "declare_no_conflict"),
                },
                call_schemas.ScoreIn,
            )
            await call_service.score(
                ctx.pool, ctx.clock.now(), principal_of(request), application_id, data
            )
        except REFUSALS as exc:
            return await _refused(ctx, request, application_id, "score", form, exc)
        return see_other(f"/console/applications/{application_id}?done=score")

    @post(
        "/applications/{application_id:uuid}/disbursement",
        status_code=303,
        guards=[has_role(Role.FINANCE)],
    )
    async def disburse(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Redirect | Template:
        async def act(data: DisbursementIn) -> None:
            await payments.disburse(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                principal_of(request),
                application_id,
                data,
                language_of(request),
            )

        fields = ("paid_on", "amount", "reference")
        return await _form(ctx, request, application_id, "disburse", fields, DisbursementIn, act)

    @post(
        "/applications/{application_id:uuid}/follow-ups",
        status_code=303,
        guards=[has_role(Role.FINANCE, Role.ADMIN)],
    )
    async def follow_up(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Redirect | Template:
        form = await read_form(request)
        year = text(form, "year")
        body: dict[str, Any] = {k: text(form, k) for k in form if k not in ("_csrf_token", "year")}
        body["year"] = int(year) if year.isdigit() and len(year) == 4 else year
        try:
            await follow_ups.follow_up(
                ctx.pool, ctx.clock.now(), principal_of(request), application_id, body
            )
        except REFUSALS as exc:
            return await _refused(ctx, request, application_id, "follow_up", form, exc)
        return see_other(f"/console/applications/{application_id}?done=follow_up")

    @post(
        "/objections/{objection_id:uuid}/resolution",
        status_code=303,
        guards=[has_role(Role.APPROVER)],
    )
    async def resolve_objection(
        self, ctx: Ctx, request: AnyRequest, objection_id: FromPath[UUID]
    ) -> Redirect | Template:
        form = await read_form(request)
        found = await objections.get_objection(
            ctx.pool, objection_id, principal_of(request).scope()
        )
        try:
            data = msgspec.convert(
                {"outcome": text(form, "outcome"), "comment": text(form, "comment")},
                objection_schemas.ResolutionIn,
            )
            await objections.resolve(
                ctx.pool, ctx.clock.now(), ctx.today(), principal_of(request), objection_id, data
            )
        except REFUSALS as exc:
            name = f"resolve-{objection_id}"
            return await _refused(ctx, request, found.application_id, name, form, exc)
        return see_other(f"/console/applications/{found.application_id}?done=resolve")

    @post(
        "/applications/{application_id:uuid}/recovery",
        status_code=303,
        guards=[has_role(Role.FINANCE, Role.ADMIN)],
    )
    async def open_recovery(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Redirect | Template:
        async def act(data: recovery_schemas.RecoveryIn) -> None:
            await recoveries.open_recovery(
                ctx.pool,
                ctx.clock.now(),
                principal_of(request),
                application_id,
                data,
                language_of(request),
            )

        fields, schema = ("amount", "due_on", "reason"), recovery_schemas.RecoveryIn
        return await _form(ctx, request, application_id, "recovery", fields, schema, act)

    @post(
        "/applications/{application_id:uuid}/repayments",
        status_code=303,
        guards=[has_role(Role.FINANCE)],
    )
    async def record_repayment(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Redirect | Template:
        async def act(data: recovery_schemas.RepaymentIn) -> None:
            await recoveries.record_repayment(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                principal_of(request),
                application_id,
                data,
                language_of(request),
            )

        fields, schema = ("amount", "paid_on", "reference"), recovery_schemas.RepaymentIn
        return await _form(ctx, request, application_id, "repayment", fields, schema, act)

    @get("/documents/{document_id:uuid}")
    async def document(self, ctx: Ctx, request: AnyRequest, document_id: FromPath[UUID]) -> Stream:
        """The document's bytes, through the documents service (staff may read any)."""
        found = await documents.download(
            ctx.pool, storage_for(ctx.settings), principal_of(request), document_id
        )
        return file_response(found)


async def _form(
    ctx: Ctx,
    request: AnyRequest,
    application_id: UUID,
    name: str,
    fields: tuple[str, ...],
    schema: type[T],
    act: Callable[[T], Awaitable[None]],
) -> Redirect | Template:
    """One of the application page's forms: its fields as the API's body, the same service, then
    back to the page saying it is done, or the page again with why not."""
    form = await read_form(request)
    try:
        data = msgspec.convert({k: text(form, k) for k in fields}, schema, strict=False)
        await act(data)
    except REFUSALS as exc:
        return await _refused(ctx, request, application_id, name, form, exc)
    return see_other(f"/console/applications/{application_id}?done={name}")


def _decision(form: FormMultiDict, action: str) -> app_schemas.DecisionIn:
    """The decision form as the API's body: per-line amounts only where the reviewer set them."""
    approved: dict[str, str] = {}
    reasons: dict[str, str] = {}
    if action == "pass":
        for key in form:
            if key.startswith("approved_") and key.removeprefix("approved_").isdigit():
                index = key.removeprefix("approved_")
                approved[index] = text(form, key)
                if text(form, f"reason_{index}"):
                    reasons[index] = text(form, f"reason_{index}")
    body: dict[str, Any] = {
        "action": action,
        "comment": text(form, "comment"),
        "declare_no_conflict": checked(form, "declare_no_conflict"),
    }
    fields = {
        key.removeprefix("approved_field_"): text(form, key)
        for key in form
        if action == "pass" and key.startswith("approved_field_") and text(form, key)
    }
    if fields:
        body["approved_fields"] = fields
    if approved:
        body["approved_lines"] = approved
    if reasons:
        body["line_reasons"] = reasons
    return msgspec.convert(body, app_schemas.DecisionIn)


async def _refused(
    ctx: Ctx,
    request: AnyRequest,
    application_id: UUID,
    form_name: str,
    form: FormMultiDict,
    exc: Exception,
) -> Template:
    errors, code, status = failure(exc, language_of(request))
    context = await _detail(ctx, request, application_id)
    context.update(
        failed=form_name,
        errors=errors,
        error_code=code,
        submitted={k: form.get(k) for k in form},
    )
    return render(request, "application.html", status_code=status, done=None, **context)


async def _documents(
    ctx: Ctx, request: AnyRequest, payload: dict[str, Any], lines: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    refs: dict[str, str] = {}
    for ref in payload.get("documents") or []:
        refs.setdefault(str(ref.get("document_id")), str(ref.get("kind") or "other"))
    for i, line in enumerate(lines):
        for d in line.get("document_ids") or []:
            refs.setdefault(str(d), f"line:{i}")
    out = []
    principal = principal_of(request)
    for document_id, kind in refs.items():
        try:
            meta = await documents.meta(ctx.pool, principal, UUID(document_id))
        except REFUSALS:
            out.append({"id": document_id, "kind": kind, "missing": True})
            continue
        out.append({"id": document_id, "kind": kind, "meta": meta, "missing": False})
    return out


async def _detail(ctx: Ctx, request: AnyRequest, application_id: UUID) -> dict[str, Any]:
    principal = principal_of(request)
    language = language_of(request)
    app = await application_out(ctx.pool, application_id, principal, language)
    org = await ctx.pool.fetchrow(Q.org_by_id, app.org_id)
    row = await ctx.pool.fetchrow(Q.application_by_id, application_id)
    program = await ctx.pool.fetchrow(Q.program_by_code, app.program_code)
    contents = await contents_of(ctx.pool, app, language)
    lines = contents.lines
    decisions = [a for a in DECISION_ORDER if a in app.allowed_actions and a in DECISIONS]
    roles = principal.roles
    city = principal.city  # every step after the first review is the city's (domain.chain)
    listed = await objections.list_objections(
        ctx.pool,
        status=None,
        application_id=application_id,
        limit=200,
        cursor=None,
        districts=principal.scope(),
    )
    scores_count = None
    if contents.experts:
        scores_count = await ctx.pool.fetchval(Q.scores_count, application_id)
    return {
        "app": app,
        "title": row["title"] if row else "",
        "program": program,
        "events": timeline(app.history),
        "org": org,
        "fields": contents.fields,
        "payee": app.payload.get("payee"),
        "lines": lines,
        "lines_kind": contents.lines_kind,
        "lines_label": contents.lines_label,
        "categories": contents.categories,
        "approvable": contents.approvable,
        "approved_keys": [f"approved_fields.{name}" for name, _, _ in contents.approvable],
        # Claims and projects are approved line by line; a filing's budget lines are not.
        "per_line": contents.lines_kind not in (None, "budget"),
        "claimed_total": _sum_lines(lines, "amount"),
        "approved_total": _sum_lines(lines, "approved_amount")
        if any(x.get("approved_amount") for x in lines)
        else None,
        "documents": await _documents(ctx, request, app.payload, lines),
        "decisions": decisions,
        "can_score": bool(contents.experts)
        and app.status == "submitted"
        and Role.REVIEWER in roles,
        "scores_count": scores_count,
        "can_disburse": city
        and Role.FINANCE in roles
        and ("disburse" in app.allowed_actions or app.status == "publicized"),
        "objections": listed.items,
        "open_objections": sum(1 for o in listed.items if o.status == "open"),
        "can_resolve": city and Role.APPROVER in roles,
        "can_recover": city
        and app.status == "disbursed"
        and app.recovery is None
        and (Role.FINANCE in roles or Role.ADMIN in roles),
        "can_repay": city
        and app.recovery is not None
        and app.recovery.outstanding != "0.00"
        and Role.FINANCE in roles,
        "follow_up": contents.follow_up,
        "can_follow_up": city
        and contents.follow_up is not None
        and app.status == "disbursed"
        and (Role.FINANCE in roles or Role.ADMIN in roles),
        "failed": None,
        "errors": {},
        "error_code": None,
        "submitted": {},
        "this_year": ctx.today().year,
        "paid_on_default": ctx.today().isoformat(),
    }


def _sum_lines(lines: list[dict[str, Any]], key: str) -> str:
    total = Money.ZERO
    for line in lines:
        total += parse_money(line.get(key) or line["amount"], key)
    return str(total)
