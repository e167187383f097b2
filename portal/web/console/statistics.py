"""Statistics for staff: the backlog by stage against the service-level limit, decisions per
person, budget use; downloadable as XLSX and CSV (the same service as the API's)."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.params import Parameter
from litestar.response import Template

from domain.statistics import SLA_STAGES
from portal.auth.guards import principal_of
from portal.context import Ctx
from portal.i18n import language_of
from portal.statistics import services as statistics
from portal.web.console.common import AnyRequest, render

Year = Annotated[int | None, Parameter(ge=2000, le=2100)]


class StatisticsPages:
    """Mixed into ConsolePages (path /console)."""

    @get("/statistics")
    async def statistics_page(self, ctx: Ctx, request: AnyRequest, year: Year = None) -> Template:
        figures = await statistics.staff(ctx, principal_of(request), year)
        return render(
            request, "statistics.html", stats=figures, sla_stages={str(s) for s in SLA_STAGES}
        )

    @get("/statistics.xlsx")
    async def statistics_xlsx(
        self, ctx: Ctx, request: AnyRequest, year: Year = None
    ) -> Response[bytes]:
        return await _download(ctx, request, "xlsx", year)

    @get("/statistics.csv")
    async def statistics_csv(
        self, ctx: Ctx, request: AnyRequest, year: Year = None
    ) -> Response[bytes]:
        return await _download(ctx, request, "csv", year)


async def _download(ctx: Ctx, request: AnyRequest, kind: str, year: int | None) -> Response[bytes]:
    return await statistics.download(ctx, principal_of(request), language_of(request), kind, year)
