from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from domain.accounts import STAFF_ROLES, Role
from portal.auth.guards import has_role, principal_of
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of
from portal.programs import schemas as s
from portal.programs import services

AnyRequest = Request[Any, Any, Any]


class ProgramController(Controller):
    path = "/api/v1/programs"
    tags = ["programs"]

    @get(operation_id="list_programs", summary="The programs with the version in effect today")
    async def list_programs(self, ctx: Ctx) -> s.ProgramList:
        return await services.list_programs(ctx.pool, ctx.today())

    @get(
        "/{code:str}",
        operation_id="get_program",
        responses=problems(404),
        summary="A program and all its versions",
    )
    async def get_program(self, ctx: Ctx, code: FromPath[str]) -> s.ProgramDetail:
        return await services.get_program(ctx.pool, code, ctx.today())

    @post(
        "/{code:str}/estimate",
        operation_id="estimate",
        status_code=200,
        responses=problems(404, 422),
        summary="The public subsidy calculator",
    )
    async def estimate(
        self, ctx: Ctx, request: AnyRequest, code: FromPath[str], data: JSONBody[s.EstimateIn]
    ) -> s.EstimateOut:
        return await services.estimate(ctx.pool, code, data, ctx.today(), language_of(request))


class ProgramAdminController(Controller):
    path = "/api/v1/admin/programs"
    tags = ["admin"]
    guards = [has_role(Role.ADMIN)]

    @post(
        "/{code:str}/versions",
        operation_id="add_program_version",
        status_code=201,
        responses=problems(401, 403, 404, 422),
        summary="Add a program version; awards already computed keep theirs",
    )
    async def add_version(
        self, ctx: Ctx, request: AnyRequest, code: FromPath[str], data: JSONBody[s.NewVersionIn]
    ) -> s.VersionOut:
        return await services.add_version(
            ctx.pool, ctx.clock.now(), principal_of(request), code, data
        )


class ExchangeController(Controller):
    path = "/api/v1/exchanges"
    tags = ["programs"]

    @get(
        operation_id="list_exchanges",
        responses=problems(422),
        summary="Exchanges as they stand on a date (default today)",
    )
    async def list_exchanges(
        self, ctx: Ctx, request: AnyRequest, on: FromQuery[dt.date | None] = None
    ) -> s.ExchangeList:
        return await services.list_exchanges(ctx.pool, on or ctx.today(), language_of(request))


class ExchangeAdminController(Controller):
    path = "/api/v1/admin/exchanges"
    tags = ["admin"]
    guards = [has_role(Role.ADMIN)]

    @put(
        "/{code:str}",
        operation_id="put_exchange",
        responses=problems(401, 403, 422),
        summary="Add or change an exchange from a date",
    )
    async def put_exchange(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: Annotated[str, Parameter(pattern=r"^[A-Z][A-Z0-9]{1,9}$")],
        data: JSONBody[s.ExchangeIn],
    ) -> s.ExchangeOut:
        return await services.put_exchange(
            ctx.pool, ctx.clock.now(), principal_of(request), code, data, language_of(request)
        )


class BudgetController(Controller):
    path = "/api/v1/admin/budgets"
    tags = ["admin"]

    @get(
        operation_id="list_budgets",
        guards=[has_role(*STAFF_ROLES)],
        responses=problems(401, 403, 422),
        summary="Each program's budget for a year",
    )
    async def list_budgets(
        self, ctx: Ctx, year: Annotated[int | None, Parameter(ge=2000, le=2100)] = None
    ) -> s.BudgetList:
        return await services.list_budgets(ctx.pool, year or ctx.today().year)

    @put(
        "/{program:str}/{year:int}",
        operation_id="set_budget",
        guards=[has_role(Role.ADMIN)],
        responses=problems(401, 403, 404, 409, 422),
        summary="Set a program's allocation for a year",
    )
    async def set_budget(
        self,
        ctx: Ctx,
        request: AnyRequest,
        program: FromPath[str],
        year: FromPath[int],
        data: JSONBody[s.BudgetIn],
    ) -> s.BudgetOut:
        return await services.set_budget(
            ctx.pool, ctx.clock.now(), principal_of(request), program, year, data
        )
