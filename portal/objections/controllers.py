from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from domain.accounts import STAFF_ROLES, Role
from portal.auth.client_address import client_address
from portal.auth.guards import has_role, principal_of
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.objections import schemas as s
from portal.objections import services

AnyRequest = Request[Any, Any, Any]
Limit = Annotated[int, Parameter(ge=1, le=200)]


class ObjectionController(Controller):
    """Staff examine objections; an approver resolves each one, once."""

    path = "/api/v1/admin/objections"
    tags = ["objections"]

    @get(
        operation_id="list_objections",
        guards=[on_loop(has_role(*STAFF_ROLES))],
        responses=problems(401, 403, 422),
        summary="Objections, oldest first, with their reason, contact and resolution",
    )
    async def list_objections(
        self,
        ctx: Ctx,
        request: AnyRequest,
        status: FromQuery[s.StatusName | None] = None,
        application_id: FromQuery[UUID | None] = None,
        limit: Limit = 50,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> s.ObjectionPage:
        return await services.list_objections(
            ctx.pool,
            status=status,
            application_id=application_id,
            limit=limit,
            cursor=cursor,
            districts=principal_of(request).scope(),
        )

    @get(
        "/{objection_id:uuid}",
        operation_id="get_objection",
        guards=[on_loop(has_role(*STAFF_ROLES))],
        responses=problems(401, 403, 404),
        summary="One objection",
    )
    async def get_objection(
        self, ctx: Ctx, request: AnyRequest, objection_id: FromPath[UUID]
    ) -> s.ObjectionOut:
        return await services.get_objection(ctx.pool, objection_id, principal_of(request).scope())

    @post(
        "/{objection_id:uuid}/resolution",
        operation_id="resolve_objection",
        status_code=200,
        guards=[on_loop(has_role(Role.APPROVER))],
        responses=problems(401, 403, 404, 409, 422),
        summary="Dismiss or uphold an objection (once)",
        description=(
            "`upheld` withdraws the award (its budget reservation is released) and sends the "
            "application back to review; `dismissed` lets it go on, and confirms it at once if "
            "its publicity period is over and no other objection is open. The comment is shown "
            "to the organization."
        ),
    )
    async def resolve(
        self,
        ctx: Ctx,
        request: AnyRequest,
        objection_id: FromPath[UUID],
        data: JSONBody[s.ResolutionIn],
    ) -> s.ObjectionOut:
        return await services.resolve(
            ctx.pool, ctx.clock.now(), ctx.today(), principal_of(request), objection_id, data
        )


class PublicObjectionController(Controller):
    """Anyone may object to an award in publicity, a few times per address within minutes."""

    path = "/api/v1/public/announcements"
    tags = ["public"]

    @post(
        "/{application_id:uuid}/objections",
        operation_id="lodge_objection",
        status_code=201,
        responses=problems(404, 422, 429),
        summary="Object to an award in publicity",
    )
    async def lodge(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: JSONBody[s.ObjectionIn],
    ) -> s.ObjectionReceipt:
        return await services.lodge(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            application_id,
            data,
            client_address(request, ctx.settings.trusted_proxies),
        )
