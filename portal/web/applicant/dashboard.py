"""The organization's applications with their next deadlines, and starting a new application:
of any program in effect, by the types its applications have (an earlier application first,
then its claim), or as a program_claim of a program defined in the console."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import get, post
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from portal.applications import services as applications
from portal.applications.schemas import ApplicationSummary
from portal.applications.views import not_found
from portal.auth.guards import principal_of
from portal.auth.principal import Principal
from portal.context import Context, Ctx
from portal.i18n import language_of
from portal.programs import services as programs
from portal.programs.forms import NESTED  # started from its program, not by type
from portal.web.applicant.common import (
    REFUSALS,
    AnyRequest,
    problems,
    render,
    see_other,
    status_of,
    uuid_or_none,
)
from portal.web.applicant.deadlines import claim_deadline, next_deadline
from sql.application_types import application_types
from sql.queries import Q

PAGE_SIZE = 20
_SCAN_PAGES = 20  # at most 4,000 applications are looked through for claimable filings


async def claimable_filings(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    """The organization's recognized earlier applications (filings) with no live claim, and
    each one's claim deadline."""
    types = await application_types(ctx.pool)
    found: list[ApplicationSummary] = []
    cursor = None
    for _ in range(_SCAN_PAGES):
        listed = await applications.list_own(ctx.pool, principal, 200, cursor)
        found += [x for x in listed.items if types[x.type].prior and x.status == "recognized"]
        cursor = listed.next_cursor
        if cursor is None:
            break
    out = []
    async with ctx.pool.acquire() as conn:
        for item in found:
            if await conn.fetchval(Q.live_claim_for_filing, item.id, None) is not None:
                continue
            filing = await conn.fetchrow(Q.prior_application, item.id)
            out.append(
                {
                    "id": item.id,
                    "title": item.title,
                    "reference": item.reference,
                    "program_code": filing["program_code"],
                    "starts_on": filing["payload"].get("starts_on"),
                    "ends_on": filing["payload"].get("ends_on"),
                    "claim_by": await claim_deadline(conn, filing),
                }
            )
    return out


async def _known(ctx: Context, application_type: str) -> str:
    """The program of a type applied for by its type; another is a 404 page."""
    known = (await application_types(ctx.pool)).get(application_type)
    if known is None or known.program_code is None:
        raise not_found()
    return known.program_code


class DashboardPages:
    """Mixed into ApplicantPages (path /app)."""

    @get("/", name="app:dashboard")
    async def dashboard(
        self,
        ctx: Ctx,
        request: AnyRequest,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Template:
        principal = principal_of(request)
        listed = await applications.list_own(ctx.pool, principal, PAGE_SIZE, cursor or None)
        today = ctx.today()
        async with ctx.pool.acquire() as conn:
            deadlines = [await next_deadline(conn, item, today) for item in listed.items]
        org = await ctx.pool.fetchrow(Q.org_by_id, principal.org_id)
        return await render(
            request,
            "dashboard.html",
            items=list(zip(listed.items, deadlines, strict=True)),
            next_cursor=listed.next_cursor,
            paged=bool(cursor),
            org=org,
        )

    @get("/calculator")
    async def calculator(self) -> Redirect:
        """The calculator lives on the public program pages."""
        return Redirect("/", status_code=303)

    @get("/new")
    async def choose(self, ctx: Ctx, request: AnyRequest) -> Template:
        listed = await programs.list_programs(ctx.pool, ctx.today())
        by_program: dict[str, list[str]] = {}
        for t in sorted(
            (await application_types(ctx.pool)).values(), key=lambda x: (not x.prior, x.type)
        ):
            if t.program_code is not None:
                by_program.setdefault(t.program_code, []).append(t.type)
        return await render(
            request,
            "new.html",
            programs=[p for p in listed.items if p.in_effect],
            types=by_program,
        )

    @post("/programs/{code:str}/new", status_code=303)
    async def start_program(self, ctx: Ctx, request: AnyRequest, code: FromPath[str]) -> Redirect:
        """A draft claim on a program applied for as a program_claim."""
        app = await applications.create(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            {"type": NESTED, "program_code": code},
            language_of(request),
        )
        return see_other(f"/app/applications/{app.id}/edit")

    @get("/new/{application_type:str}")
    async def start(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_type: FromPath[str],
        filing_id: FromQuery[str] = "",
    ) -> Template:
        return await _start_page(ctx, request, application_type, filing_id=filing_id)

    @post("/new/{application_type:str}", status_code=303)
    async def create(
        self, ctx: Ctx, request: AnyRequest, application_type: FromPath[str]
    ) -> Redirect | Template:
        """A draft through the same `create` service as the API, then its form."""
        await _known(ctx, application_type)
        form = await request.form()
        body: dict[str, Any] = {"type": application_type}
        filing_id = str(form.get("filing_id") or "").strip()
        if filing_id:
            body["filing_id"] = filing_id
        try:
            created = await applications.create(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                principal_of(request),
                body,
                language_of(request),
            )
        except REFUSALS as exc:
            return await _start_page(
                ctx,
                request,
                application_type,
                filing_id=filing_id,
                errors=problems(exc, language_of(request)),
                status_code=status_of(exc),
            )
        return see_other(f"/app/applications/{created.id}/edit")


async def _start_page(
    ctx: Context,
    request: AnyRequest,
    application_type: str,
    *,
    filing_id: str = "",
    errors: list[Any] | None = None,
    status_code: int = 200,
) -> Template:
    code = await _known(ctx, application_type)
    program = await programs.get_program(ctx.pool, code, ctx.today())
    types = await application_types(ctx.pool)
    prior_type = next((t.type for t in types.values() if t.prior and t.program_code == code), None)
    claims_a_filing = prior_type is not None and prior_type != application_type
    filings = (
        [
            f
            for f in await claimable_filings(ctx, principal_of(request))
            if f["program_code"] == code
        ]
        if claims_a_filing
        else []
    )
    chosen: UUID | None = uuid_or_none(filing_id)
    return await render(
        request,
        "start.html",
        status_code=status_code,
        application_type=application_type,
        program=program.program,
        filings=filings,
        claims_a_filing=claims_a_filing,
        prior_type=prior_type,
        chosen_filing=chosen,
        errors=errors or [],
    )
