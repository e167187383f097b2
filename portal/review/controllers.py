from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from domain.accounts import STAFF_ROLES, Role
from portal.applications import schemas as s
from portal.auth.callers import CHECKED_IN_STATEMENT
from portal.auth.guards import has_role, principal_of
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of
from portal.review import services
from portal.review.schemas import QueuePage

AnyRequest = Request[Any, Any, Any]


class ReviewController(Controller):
    path = "/api/v1/admin/applications"
    tags = ["review"]

    @get(
        operation_id="work_queue",
        guards=[on_loop(has_role(*STAFF_ROLES))],
        opt={
            CHECKED_IN_STATEMENT: True
        },  # the page's statement checks the token: no read before it
        responses=problems(401, 403, 422),
        summary="The work queue: filter by status, type, program, text and overdue; oldest first",
        description="Each item says who acts next (`stage`), its working days in its status "
        "(`age_working_days`), its program's limit at the review stages (`sla_working_days`) "
        "and whether it is over it (`overdue`).",
    )
    async def work_queue(
        self,
        ctx: Ctx,
        request: AnyRequest,
        status: FromQuery[s.StatusName | None] = None,
        type: FromQuery[s.TypeName | None] = None,
        program: Annotated[str | None, Parameter(max_length=40)] = None,
        q: Annotated[str | None, Parameter(max_length=100, pattern=r"^[^\x00]*$")] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
        overdue: FromQuery[bool] = False,
    ) -> QueuePage:
        return await services.queue(
            ctx.pool,
            principal_of(request),
            ctx.clock.now(),
            status=status,
            type_=type,
            program=program,
            q=q,
            limit=limit,
            cursor=cursor,
            overdue=overdue,
        )

    @post(
        "/{application_id:uuid}/decisions",
        operation_id="decide",
        status_code=200,
        guards=[on_loop(has_role(Role.REVIEWER, Role.APPROVER))],
        responses=problems(401, 403, 404, 409, 422),
        summary="Pass, return, reject, approve, or uphold an objection",
    )
    async def decide(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: JSONBody[s.DecisionIn],
    ) -> s.ApplicationOut:
        return await services.decide(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            application_id,
            data,
            language_of(request),
        )
