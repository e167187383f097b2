"""The in-app inbox, notification preferences, and dead letters for staff."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from domain.accounts import Role
from portal.auth.guards import city_staff, has_role, principal_of, signed_in
from portal.context import Ctx
from portal.errors import problems
from portal.notifications import schemas as s
from portal.notifications import services

AnyRequest = Request[Any, Any, Any]
Limit = Annotated[int, Parameter(ge=1, le=200)]


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    guards = [signed_in]

    @get(
        operation_id="list_notifications",
        responses=problems(401, 422),
        summary="Your in-app inbox, newest first",
    )
    async def inbox(
        self, ctx: Ctx, request: AnyRequest, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> s.NotificationPage:
        return await services.inbox(ctx.pool, principal_of(request), limit, cursor)

    @post(
        "/{notification_id:uuid}/read",
        operation_id="read_notification",
        status_code=200,
        responses=problems(401, 404),
        summary="Mark one notification read",
    )
    async def read(
        self, ctx: Ctx, request: AnyRequest, notification_id: FromPath[UUID]
    ) -> s.NotificationOut:
        return await services.read(
            ctx.pool, ctx.clock.now(), principal_of(request), notification_id
        )

    @post(
        "/read-all",
        operation_id="read_all_notifications",
        status_code=200,
        responses=problems(401),
        summary="Mark every notification read",
    )
    async def read_all(self, ctx: Ctx, request: AnyRequest) -> s.ReadAllOut:
        return await services.read_all(ctx.pool, ctx.clock.now(), principal_of(request))

    @get(
        "/preferences",
        operation_id="get_notification_preferences",
        responses=problems(401),
        summary="Which channels each topic reaches you on",
    )
    async def get_preferences(self, ctx: Ctx, request: AnyRequest) -> s.PreferencesOut:
        return await services.preferences(ctx.pool, principal_of(request))

    @put(
        "/preferences",
        operation_id="set_notification_preferences",
        responses=problems(401, 422),
        summary="Turn channels on or off per topic (not decisions on your own applications)",
    )
    async def set_preferences(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[s.PreferencesIn]
    ) -> s.PreferencesOut:
        return await services.set_preferences(
            ctx.pool, ctx.clock.now(), principal_of(request), data
        )


class DeadLetterController(Controller):
    path = "/api/v1/admin/dead-letters"
    tags = ["notifications"]
    guards = [has_role(Role.ADMIN), city_staff]  # everyone's addresses: the city's

    @get(
        operation_id="list_dead_letters",
        responses=problems(401, 403, 422),
        summary="Deliveries given up after their last try, newest first",
    )
    async def list_dead(
        self, ctx: Ctx, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> s.DeadLetterPage:
        return await services.dead_letters(ctx.pool, limit, cursor)

    @post(
        "/{delivery_id:int}/retry",
        operation_id="retry_dead_letter",
        status_code=202,
        responses=problems(401, 403, 404, 409),
        summary="Send a dead letter again: back to pending, the workers pick it up",
    )
    async def retry(self, ctx: Ctx, request: AnyRequest, delivery_id: FromPath[int]) -> s.RetryOut:
        return await services.retry(ctx.pool, ctx.clock.now(), principal_of(request), delivery_id)
