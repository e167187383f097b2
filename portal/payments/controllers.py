from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from domain.accounts import Role
from portal.applications import schemas as app_schemas
from portal.auth.guards import has_role, principal_of
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.exports.services import XLSX
from portal.i18n import language_of
from portal.payments import schemas as s
from portal.payments import services

AnyRequest = Request[Any, Any, Any]
Limit = Annotated[int, Parameter(ge=1, le=200)]
Program = Annotated[str | None, Parameter(max_length=40)]
FINANCE = on_loop(has_role(Role.FINANCE))
# Auditors read what finance reads; only finance records payments.
FINANCE_READERS = on_loop(has_role(Role.FINANCE, Role.AUDITOR))


class DisbursementController(Controller):
    path = "/api/v1/admin/applications"
    tags = ["finance"]
    guards = [FINANCE]

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
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: JSONBody[s.DisbursementIn],
    ) -> app_schemas.ApplicationOut:
        return await services.disburse(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            application_id,
            data,
            language_of(request),
        )


class PaymentController(Controller):
    path = "/api/v1/admin"
    tags = ["finance"]

    @get(
        "/payments/due",
        operation_id="payments_due",
        guards=[FINANCE_READERS],
        responses=problems(401, 403, 422),
        summary="Confirmed, unpaid awards with their payee, oldest application first",
    )
    async def due(
        self,
        ctx: Ctx,
        request: AnyRequest,
        program: FromQuery[Program] = None,
        limit: Limit = 50,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> s.DuePage:
        return await services.due(
            ctx.pool,
            language_of(request),
            program=program,
            limit=limit,
            cursor=cursor,
            districts=principal_of(request).scope(),
        )

    @get(
        "/payments/due.xlsx",
        operation_id="payments_due_xlsx",
        guards=[FINANCE_READERS],
        responses=problems(401, 403, 422),
        summary="The awards due for payment as a workbook for the bank transfer",
        media_type=XLSX,
    )
    async def due_xlsx(
        self, ctx: Ctx, request: AnyRequest, program: FromQuery[Program] = None
    ) -> Response[bytes]:
        return await services.due_xlsx(
            ctx.pool, ctx.clock.now(), principal_of(request), language_of(request), program
        )

    @post(
        "/payment-batches",
        operation_id="record_payment_batch",
        status_code=201,
        guards=[FINANCE],
        responses=problems(401, 403, 422),
        summary="Record many payments at once: all of them, or none",
        description=(
            "Each item is checked as a single disbursement is (confirmed, exactly the award, not "
            "yet paid, no open objection). If any fails, nothing is recorded and the 422 names "
            "each failing item as `items[i]` with its rule code."
        ),
    )
    async def record_batch(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[s.BatchIn]
    ) -> s.BatchOut:
        return await services.record_batch(
            ctx.pool, ctx.clock.now(), ctx.today(), principal_of(request), data
        )
