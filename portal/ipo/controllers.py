from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, post
from litestar.params import FromPath, JSONBody

from domain.accounts import Role
from portal.applications import schemas as app_schemas
from portal.auth.guards import has_role, principal_of
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of
from portal.ipo import schemas as s
from portal.ipo import services

AnyRequest = Request[Any, Any, Any]


class IpoAdminController(Controller):
    path = "/api/v1/admin"
    tags = ["ipo"]

    @post(
        "/ipo-proposals",
        operation_id="propose_ipo_award",
        status_code=201,
        guards=[has_role(Role.REVIEWER, Role.ADMIN)],
        responses=problems(401, 403, 404, 409, 422),
        summary="免申即享: record a listing stage from public disclosures and propose the award",
    )
    async def propose(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[s.ProposalIn]
    ) -> app_schemas.ApplicationOut:
        return await services.propose(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            data,
            language_of(request),
        )

    @post(
        "/applications/{application_id:uuid}/follow-ups",
        operation_id="record_follow_up",
        status_code=201,
        guards=[has_role(Role.FINANCE, Role.ADMIN)],
        responses=problems(401, 403, 404, 409, 422),
        summary="Record a year's use of an overseas listing's funds; below the share, flag it",
    )
    async def follow_up(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: JSONBody[s.FollowUpIn],
    ) -> s.FollowUpOut:
        return await services.follow_up(
            ctx.pool, ctx.clock.now(), principal_of(request), application_id, data
        )
