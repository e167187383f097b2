"""Budgets (with the chart) and publicity batches."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import get, post
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template

from domain.accounts import Role
from domain.budgets import CITY
from domain.districts import WUHAN_DISTRICTS
from domain.money import parse_money
from portal.auth.guards import has_role, principal_of
from portal.context import Ctx
from portal.i18n import language_of
from portal.programs import schemas as program_schemas
from portal.programs import services as programs
from portal.publicity import schemas as publicity_schemas
from portal.publicity import services as publicity
from portal.review import services as review
from portal.web.console.common import ADMIN_ONLY, AnyRequest, render, see_other
from portal.web.forms import REFUSALS, Errors, failure, read_form, text
from portal.web.i18n import translator

# Approved awards waiting for a batch: one screenful, oldest first.
APPROVED_LIMIT = 200


def _fen(yuan: str) -> int:
    return parse_money(yuan, "amount").fen


def _row_key(program: str, funder: str) -> str:
    """A budget row's key in the page's ids: the program for the city's, as before districts."""
    return program if funder == CITY else f"{program}-{funder}"


class MoneyPages:
    """Mixed into ConsolePages (path /console)."""

    @get("/budgets")
    async def budgets(
        self,
        ctx: Ctx,
        request: AnyRequest,
        year: Annotated[int | None, Parameter(ge=2000, le=2100)] = None,
    ) -> Template:
        return await _budgets_page(ctx, request, year or ctx.today().year)

    @post("/budgets/{program:str}/{year:int}", status_code=303, guards=[ADMIN_ONLY])
    async def set_budget(
        self, ctx: Ctx, request: AnyRequest, program: FromPath[str], year: FromPath[int]
    ) -> Redirect | Template:
        form = await read_form(request)
        funder = text(form, "funder") or CITY
        row = _row_key(program, text(form, "row") or funder)  # the row whose form was sent
        try:
            data = msgspec.convert(
                {"allocated": text(form, "allocated"), "funder": funder}, program_schemas.BudgetIn
            )
            await programs.set_budget(
                ctx.pool, ctx.clock.now(), principal_of(request), program, year, data
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return await _budgets_page(
                ctx,
                request,
                year,
                status_code=status,
                errors={f"{row}:{k}": v for k, v in errors.items()},
                submitted={row: text(form, "allocated"), f"{row}:funder": funder},
            )
        return see_other(f"/console/budgets?year={year}&done={program}")

    # ------------------------------------------------------------------ publicity

    @get("/publicity")
    async def publicity_batches(self, ctx: Ctx, request: AnyRequest) -> Template:
        return await _publicity_page(ctx, request)

    @post("/publicity", status_code=303, guards=[has_role(Role.ADMIN, Role.APPROVER)])
    async def create_batch(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        chosen = [v for v in form.getall("application_ids", []) if isinstance(v, str)]
        try:
            data = msgspec.convert(
                {
                    "application_ids": chosen,
                    "starts_on": text(form, "starts_on"),
                    "working_days": text(form, "working_days") or "5",
                },
                publicity_schemas.BatchIn,
                strict=False,
            )
            batch = await publicity.create_batch(
                ctx.pool, ctx.clock.now(), ctx.today(), principal_of(request), data
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return await _publicity_page(
                ctx,
                request,
                status_code=status,
                errors=errors,
                submitted={
                    "application_ids": set(chosen),
                    "starts_on": text(form, "starts_on"),
                    "working_days": text(form, "working_days"),
                },
            )
        return see_other(f"/console/publicity?done={batch.id}")


async def _budgets_page(
    ctx: Ctx,
    request: AnyRequest,
    year: int,
    *,
    status_code: int = 200,
    errors: Errors | None = None,
    submitted: dict[str, str] | None = None,
) -> Template:
    principal = principal_of(request)
    listed = await programs.list_budgets(ctx.pool, year, principal.scope())
    totals = await programs.budget_totals(ctx.pool, year, principal.scope())
    titles = {p.code: p for p in (await programs.list_programs(ctx.pool, ctx.today())).items}
    zh = language_of(request) == "zh"

    def name(code: str) -> str:
        program = titles.get(code)
        return (program.title_zh if zh else program.title_en) if program else code

    rows = [
        {"budget": b, "name": name(b.program), "key": _row_key(b.program, b.funder)}
        for b in listed.items
    ]
    # The chart's data, in fen (exact); the script shows 万元. A bar a program: its city's and
    # districts' budgets added up, so that each program is seen whole.
    t = translator(language_of(request))
    chart: dict[str, Any] = {
        "year": year,
        "labels": {k: t(k) for k in ("reserved", "spent", "available", "allocated", "wan_unit")},
        "programs": [name(b.program) for b in totals.items],
        "series": {
            key: [_fen(getattr(b, key)) for b in totals.items]
            for key in ("reserved", "spent", "available", "allocated")
        },
    }
    return render(
        request,
        "budgets.html",
        status_code=status_code,
        year=year,
        rows=rows,
        # Inside <script type="application/json">: no "</" may close the element early.
        chart_json=msgspec.json.encode(chart).decode().replace("<", "\\u003c"),
        errors=errors or {},
        submitted=submitted or {},
        done=request.query_params.get("done"),
        # A new district budget is set from its program's city row: whose budgets one may set.
        funders=([CITY] if principal.city else []) + sorted(principal.districts or WUHAN_DISTRICTS),
    )


async def _publicity_page(
    ctx: Ctx,
    request: AnyRequest,
    *,
    status_code: int = 200,
    errors: Errors | None = None,
    submitted: dict[str, Any] | None = None,
) -> Template:
    batches = await publicity.list_batches(ctx.pool)
    done = request.query_params.get("done")
    principal = principal_of(request)
    approved = await review.queue(
        ctx.pool,
        principal,
        ctx.clock.now(),
        status="approved",
        type_=None,
        program=None,
        q=None,
        limit=APPROVED_LIMIT,
        cursor=None,
    )
    return render(
        request,
        "publicity.html",
        status_code=status_code,
        batches=batches.items,
        approved=approved.items,
        can_publish=principal.city and principal.has_any(Role.ADMIN, Role.APPROVER),
        errors=errors or {},
        submitted=submitted
        or {"application_ids": set(), "starts_on": ctx.today().isoformat(), "working_days": "5"},
        # The batch just published, so that the page says when the public sees it.
        done=next((b for b in batches.items if str(b.id) == done), None),
        tomorrow=ctx.today() + dt.timedelta(days=1),
    )
