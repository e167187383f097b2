from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from domain.accounts import STAFF_ROLES
from portal.auth.guards import has_role, principal_of
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.exports.services import XLSX
from portal.i18n import language_of
from portal.statistics import schemas as s
from portal.statistics import services

AnyRequest = Request[Any, Any, Any]
Year = Annotated[int | None, Parameter(ge=2000, le=2100, description="budget year; default this")]
STAFF = on_loop(has_role(*STAFF_ROLES))


class PublicStatisticsController(Controller):
    path = "/api/v1/public/statistics"
    tags = ["public"]

    @get(
        operation_id="public_statistics",
        summary="Money approved and paid, applications, time to payment",
        description=(
            "Totals and counts only (no organization, no person), drafts never counted: money "
            "approved (awards standing: approved, in publicity, confirmed, paid; by year of "
            "approval) and paid (by year of payment), by program, by district of the "
            "organizations and by year; applications by program and status group; the median "
            "calendar days from submission to payment. Computed at most about once a minute: "
            "`as_of` says when."
        ),
    )
    async def public_statistics(self, ctx: Ctx) -> s.PublicStatistics:
        return await services.public(ctx.pool, ctx.redis, ctx.statistics, ctx.clock.now())


class StatisticsAdminController(Controller):
    path = "/api/v1/admin"
    tags = ["statistics"]
    guards = [STAFF]

    @get(
        "/statistics",
        operation_id="staff_statistics",
        responses=problems(401, 403, 422),
        summary="The backlog by stage, decisions per person, budget use",
        description=(
            "As of at most a minute ago (`as_of`). Backlog: what waits in each stage, its "
            "median and longest wait in working days, and (review and approval) how many wait "
            "longer than their program's `review_sla_working_days`. Throughput: decisions per "
            "person in the last 30 days, from the audit trail. Budgets: the year's allocation, "
            "reserved, spent and left."
        ),
    )
    async def staff_statistics(
        self, ctx: Ctx, request: AnyRequest, year: Year = None
    ) -> s.StaffStatistics:
        return await services.staff(ctx, principal_of(request), year)

    @get(
        "/statistics.xlsx",
        operation_id="staff_statistics_xlsx",
        responses=problems(401, 403, 422),
        summary="The staff statistics as a workbook, a sheet a table",
        media_type=XLSX,
    )
    async def staff_statistics_xlsx(
        self, ctx: Ctx, request: AnyRequest, year: Year = None
    ) -> Response[bytes]:
        return await services.download(
            ctx, principal_of(request), language_of(request), "xlsx", year
        )

    @get(
        "/statistics.csv",
        operation_id="staff_statistics_csv",
        responses=problems(401, 403, 422),
        summary="The staff statistics as CSV: each table under its title, a blank line between",
        media_type="text/csv",
    )
    async def staff_statistics_csv(
        self, ctx: Ctx, request: AnyRequest, year: Year = None
    ) -> Response[bytes]:
        return await services.download(
            ctx, principal_of(request), language_of(request), "csv", year
        )
