from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, post
from litestar.params import FromPath, JSONBody

from domain.accounts import Role
from portal.applications import schemas as s
from portal.auth.guards import has_role, principal_of
from portal.context import Ctx
from portal.disbursements import services
from portal.disbursements.schemas import DisbursementIn
from portal.errors import problems
from portal.i18n import language_of


class DisbursementController(Controller):
    path = "/api/v1/admin/applications"
    tags = ["finance"]
    guards = [has_role(Role.FINANCE)]

    @post(
        "/{application_id:uuid}/disbursements",
        operation_id="record_disbursement",
        status_code=201,
        responses=problems(401, 403, 404, 409, 422),
        summary="Record the payment of a confirmed award",
    )
    async def disburse(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        data: JSONBody[DisbursementIn],
    ) -> s.ApplicationOut:
        return await services.disburse(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            application_id,
            data,
            language_of(request),
        )
