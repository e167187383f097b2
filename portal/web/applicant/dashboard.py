"""The organization's applications with their next deadlines, and starting a new application."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from portal.applications import services as applications
from portal.applications.registry import HANDLERS, ApplicationIn
from portal.applications.schemas import ApplicationSummary
from portal.applications.views import not_found
from portal.auth.guards import principal_of
from portal.auth.principal import Principal
from portal.context import Context, Ctx
from portal.i18n import language_of
from portal.programs import services as programs
from portal.web.applicant.common import (
    REFUSALS,
    AnyRequest,
    problems,
    render,
    see_other,
    spec_for,
    status_of,
    uuid_or_none,
)
from portal.web.applicant.deadlines import claim_deadline, next_deadline
from portal.web.applicant.forms import GENERATED
from sql.queries import Q

PAGE_SIZE = 20
TYPES: tuple[str, ...] = tuple(t for t in HANDLERS if t != GENERATED)
_SCAN_PAGES = 20  # at most 4,000 applications are looked through for claimable filings


async def claimable_filings(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    """The organization's recognized filings with no live claim, and each one's claim deadline."""
    found: list[ApplicationSummary] = []
    cursor = None
    for _ in range(_SCAN_PAGES):
        listed = await applications.list_own(ctx.pool, principal, 200, cursor)
        found += [x for x in listed.items if x.type == "event_filing" and x.status == "recognized"]
        cursor = listed.next_cursor
        if cursor is None:
            break
    out = []
    async with ctx.pool.acquire() as conn:
        for item in found:
            if await conn.fetchval(Q.live_claim_for_filing, item.id, None) is not None:
                continue
            filing = await conn.fetchrow(Q.filing_for_claim, item.id)
            out.append(
                {
                    "id": item.id,
                    "title": item.title,
                    "reference": item.reference,
                    "starts_on": filing["payload"].get("starts_on"),
                    "ends_on": filing["payload"].get("ends_on"),
                    "claim_by": await claim_deadline(conn, filing),
                }
            )
    return out


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
            types=TYPES,
        )

    @get("/calculator")
    async def calculator(self) -> Redirect:
        """The calculator lives on the public program pages."""
        return Redirect("/", status_code=303)

    @get("/new")
    async def choose(self, ctx: Ctx, request: AnyRequest) -> Template:
        listed = await programs.list_programs(ctx.pool, ctx.today())
        titles = {p.code: p for p in listed.items}
        return await render(
            request,
            "new.html",
            types=TYPES,
            programs={t: titles.get(HANDLERS[t].program_code) for t in TYPES},
            defined=[p for p in listed.items if p.kind == "defined" and p.in_effect],
            chosen=None,
        )

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
        if application_type not in TYPES:
            _unknown()
        form = await request.form()
        body: dict[str, Any] = {"type": application_type}
        filing_id = str(form.get("filing_id") or "").strip()
        if application_type == "event_claim" and filing_id:
            body["filing_id"] = filing_id
        try:
            data = msgspec.convert(body, ApplicationIn)
            created = await applications.create(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                principal_of(request),
                data,
                language_of(request),
            )
        except REFUSALS as exc:
            return await _start_page(
                ctx,
                request,
                application_type,
                filing_id=filing_id,
                errors=problems(exc, language_of(request), spec_for(application_type)),
                status_code=status_of(exc),
            )
        return see_other(f"/app/applications/{created.id}/edit")


def _unknown() -> None:
    raise not_found()


async def _start_page(
    ctx: Context,
    request: AnyRequest,
    application_type: str,
    *,
    filing_id: str = "",
    errors: list[Any] | None = None,
    status_code: int = 200,
) -> Template:
    if application_type not in TYPES:
        _unknown()
    program = await programs.get_program(
        ctx.pool, HANDLERS[application_type].program_code, ctx.today()
    )
    filings = (
        await claimable_filings(ctx, principal_of(request))
        if application_type == "event_claim"
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
        chosen_filing=chosen,
        errors=errors or [],
    )
