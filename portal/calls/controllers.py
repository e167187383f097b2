"""Yearly calls (public list; admins open them), their ranking and selection, experts' scores."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody

from domain.accounts import STAFF_ROLES, Role
from portal.auth.guards import city_staff, has_role, principal_of
from portal.calls import schemas as s
from portal.calls import services
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of

AnyRequest = Request[Any, Any, Any]


class CallController(Controller):
    path = "/api/v1/calls"
    tags = ["programs"]

    @get(operation_id="list_calls", summary="Yearly calls and whether each is open today")
    async def list_calls(self, ctx: Ctx) -> s.CallList:
        return await services.list_calls(ctx.pool, ctx.today())


class CallAdminController(Controller):
    path = "/api/v1/admin/calls"
    tags = ["calls"]

    @put(
        "/{program:str}/{year:int}",
        operation_id="put_call",
        guards=[has_role(Role.ADMIN), city_staff],
        responses=problems(401, 403, 404, 422),
        summary="Open (or move) a program's yearly call",
    )
    async def put_call(
        self,
        ctx: Ctx,
        request: AnyRequest,
        program: FromPath[str],
        year: FromPath[int],
        data: JSONBody[s.CallIn],
    ) -> s.CallOut:
        return await services.put_call(
            ctx.pool, ctx.clock.now(), ctx.today(), principal_of(request), program, year, data
        )

    @get(
        "/{program:str}/{year:int}/ranking",
        operation_id="call_ranking",
        guards=[has_role(*STAFF_ROLES)],
        responses=problems(401, 403, 404, 422),
        summary="Passed projects by expert score, against the budget",
    )
    async def ranking(
        self, ctx: Ctx, request: AnyRequest, program: FromPath[str], year: FromPath[int]
    ) -> s.RankingOut:
        return await services.ranking(ctx.pool, program, year, ctx.today(), principal_of(request))

    @post(
        "/{program:str}/{year:int}/selection",
        operation_id="select_projects",
        status_code=200,
        guards=[has_role(Role.APPROVER)],
        responses=problems(401, 403, 404, 422),
        summary="Approve by rank while the year's budget lasts",
    )
    async def select(
        self,
        ctx: Ctx,
        request: AnyRequest,
        program: FromPath[str],
        year: FromPath[int],
        data: JSONBody[s.SelectionIn],
    ) -> s.SelectionOut:
        return await services.select(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            program,
            year,
            data,
            language_of(request),
        )


class ScoreController(Controller):
    path = "/api/v1/admin/applications"
    tags = ["calls"]

    @post(
        "/{application_id:uuid}/scores",
        operation_id="score_application",
        status_code=201,
        guards=[has_role(Role.REVIEWER)],
        responses=problems(401, 403, 404, 409, 422),
        summary="An expert's score (0-100) with a comment, after declaring no conflict",
    )
    async def score(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: JSONBody[s.ScoreIn],
    ) -> s.ScoreOut:
        return await services.score(
            ctx.pool, ctx.clock.now(), principal_of(request), application_id, data
        )
