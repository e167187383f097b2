from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from portal.applications import schemas as s
from portal.applications import services
from portal.applications.views import application_out
from portal.auth.callers import CHECKED_IN_STATEMENT
from portal.auth.guards import org_member, principal_of, signed_in
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of

AnyRequest = Request[Any, Any, Any]
Limit = Annotated[int, Parameter(ge=1, le=200)]
ORG_MEMBER, SIGNED_IN = on_loop(org_member), on_loop(signed_in)


class ApplicationController(Controller):
    path = "/api/v1/applications"
    tags = ["applications"]

    @post(
        operation_id="create_application",
        status_code=201,
        guards=[ORG_MEMBER],
        opt={
            CHECKED_IN_STATEMENT: True
        },  # the draft's statement checks the token: no read before it
        responses=problems(401, 403, 404, 409, 422),
        summary="Start an application as a draft",
    )
    async def create(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[s.ApplicationBody]
    ) -> s.ApplicationOut:
        return await services.create(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            data,
            language_of(request),
        )

    @get(
        operation_id="list_applications",
        guards=[ORG_MEMBER],
        responses=problems(401, 403, 422),
        summary="Your organization's applications, newest first",
    )
    async def list_own(
        self, ctx: Ctx, request: AnyRequest, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> s.Page:
        return await services.list_own(ctx.pool, principal_of(request), limit, cursor)

    @get(
        "/{application_id:uuid}",
        operation_id="get_application",
        guards=[SIGNED_IN],
        responses=problems(401, 404),
        summary="One application with its history",
    )
    async def get_one(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> s.ApplicationOut:
        return await application_out(
            ctx.pool, application_id, principal_of(request), language_of(request)
        )

    @patch(
        "/{application_id:uuid}",
        operation_id="edit_application",
        guards=[ORG_MEMBER],
        responses=problems(401, 403, 404, 409, 422),
        summary="Edit a draft or returned application: the fields given replace the stored ones",
    )
    async def edit(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: JSONBody[dict[str, Any]],
    ) -> s.ApplicationOut:
        return await services.patch(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            application_id,
            data,
            language_of(request),
        )

    @post(
        "/{application_id:uuid}/submit",
        operation_id="submit_application",
        status_code=200,
        guards=[ORG_MEMBER],
        responses=problems(401, 403, 404, 409, 422),
        summary="Submit; every rule is checked and each failure named",
    )
    async def submit(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> s.ApplicationOut:
        return await services.submit(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            application_id,
            language_of(request),
        )

    @post(
        "/{application_id:uuid}/withdraw",
        operation_id="withdraw_application",
        status_code=200,
        guards=[ORG_MEMBER],
        responses=problems(401, 403, 404, 409),
        summary="Withdraw before a decision",
    )
    async def withdraw(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> s.ApplicationOut:
        return await services.withdraw(
            ctx.pool, ctx.clock.now(), principal_of(request), application_id, language_of(request)
        )
