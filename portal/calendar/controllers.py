from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, put
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from domain.accounts import Role
from portal.auth.guards import city_staff, has_role, principal_of
from portal.calendar import schemas as s
from portal.calendar import services
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of


class CalendarController(Controller):
    path = "/api/v1/calendar"
    tags = ["calendar"]

    @get(
        operation_id="calendar_year",
        responses=problems(422),
        summary="Public holidays and make-up working days of a year",
    )
    async def calendar_year(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        year: Annotated[int | None, Parameter(ge=2000, le=2100)] = None,
    ) -> s.DayList:
        return await services.year(ctx.pool, year or ctx.today().year, language_of(request))

    @get(
        "/working-days",
        operation_id="working_days",
        responses=problems(422),
        summary="The last day of a period of N working days starting on a date",
    )
    async def working_days(
        self, ctx: Ctx, start: FromQuery[dt.date], days: Annotated[int, Parameter(ge=1, le=366)]
    ) -> s.WorkingDaysOut:
        return await services.working_days(ctx.pool, start, days)


class CalendarAdminController(Controller):
    path = "/api/v1/admin/calendar"
    tags = ["admin"]
    guards = [has_role(Role.ADMIN), city_staff]

    @put(
        "/{day:date}",
        operation_id="put_calendar_day",
        responses=problems(401, 403, 422),
        summary="Mark a day as a public holiday or a make-up working day",
    )
    async def put_day(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        day: FromPath[dt.date],
        data: JSONBody[s.DayIn],
    ) -> s.DayOut:
        return await services.put_day(
            ctx.pool, ctx.clock.now(), principal_of(request), day, data, language_of(request)
        )

    @delete(
        "/{day:date}",
        operation_id="delete_calendar_day",
        responses=problems(401, 403, 404),
        summary="Make a day ordinary again",
    )
    async def delete_day(
        self, ctx: Ctx, request: Request[Any, Any, Any], day: FromPath[dt.date]
    ) -> None:
        await services.delete_day(ctx.pool, ctx.clock.now(), principal_of(request), day)
