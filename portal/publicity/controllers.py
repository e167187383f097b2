from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from domain.accounts import STAFF_ROLES, Role
from portal.auth.guards import has_role, principal_of
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of
from portal.publicity import schemas as s
from portal.publicity import services

AnyRequest = Request[Any, Any, Any]


class PublicityAdminController(Controller):
    path = "/api/v1/admin/publicity-batches"
    tags = ["publicity"]

    @post(
        operation_id="create_publicity_batch",
        status_code=201,
        guards=[has_role(Role.ADMIN, Role.APPROVER)],
        responses=problems(401, 403, 404, 409, 422),
        summary="Publish approved awards for N working days (default 5)",
    )
    async def create(self, ctx: Ctx, request: AnyRequest, data: JSONBody[s.BatchIn]) -> s.BatchOut:
        return await services.create_batch(
            ctx.pool, ctx.clock.now(), ctx.today(), principal_of(request), data
        )

    @get(
        operation_id="list_publicity_batches",
        guards=[has_role(*STAFF_ROLES)],
        responses=problems(401, 403),
        summary="Publicity batches, newest first",
    )
    async def list_batches(self, ctx: Ctx) -> s.BatchList:
        return await services.list_batches(ctx.pool)


class AnnouncementController(Controller):
    path = "/api/v1/public/announcements"
    tags = ["public"]

    @get(operation_id="list_announcements", summary="Awards in publicity now")
    async def list_announcements(self, ctx: Ctx, request: AnyRequest) -> s.AnnouncementList:
        return await services.announcements(ctx.pool, ctx.today(), language_of(request))
