from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, post
from litestar.params import FromPath, JSONBody

from domain.accounts import Role
from portal.applications import schemas as app_schemas
from portal.auth.guards import has_role, principal_of
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of
from portal.recoveries import schemas as s
from portal.recoveries import services

AnyRequest = Request[Any, Any, Any]


class RecoveryController(Controller):
    """Money won back from a paid award: what is owed and by when, then each repayment."""

    path = "/api/v1/admin/applications/{application_id:uuid}/recovery"
    tags = ["finance"]

    @post(
        operation_id="open_recovery",
        status_code=201,
        guards=[on_loop(has_role(Role.FINANCE, Role.ADMIN))],
        responses=problems(401, 403, 404, 409, 422),
        summary="Record the amount to recover from a paid award, and by when",
    )
    async def open(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: JSONBody[s.RecoveryIn],
    ) -> app_schemas.ApplicationOut:
        return await services.open_recovery(
            ctx.pool,
            ctx.clock.now(),
            principal_of(request),
            application_id,
            data,
            language_of(request),
        )

    @post(
        "/repayments",
        operation_id="record_repayment",
        status_code=201,
        guards=[on_loop(has_role(Role.FINANCE))],
        responses=problems(401, 403, 404, 409, 422),
        summary="Record money repaid; it returns to the budget it was spent from",
    )
    async def repay(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: JSONBody[s.RepaymentIn],
    ) -> app_schemas.ApplicationOut:
        return await services.record_repayment(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            application_id,
            data,
            language_of(request),
        )
