from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody
from litestar.response import Stream

from domain.accounts import STAFF_ROLES
from portal.auth.guards import has_role, principal_of
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.exports import schemas as s
from portal.exports import services

XLSX = services.XLSX
AnyRequest = Request[Any, Any, Any]


class ExportController(Controller):
    path = "/api/v1/admin/exports"
    tags = ["exports"]
    guards = [on_loop(has_role(*STAFF_ROLES))]

    @get(
        "/applications.csv",
        operation_id="export_applications_csv",
        responses=problems(401, 403),
        summary="All applications as CSV, streamed",
        media_type="text/csv",
    )
    async def csv(self, ctx: Ctx, request: AnyRequest) -> Stream:
        return await services.csv_response(ctx.pool, ctx.clock.now(), principal_of(request))

    @get(
        "/applications.xlsx",
        operation_id="export_applications_xlsx",
        responses=problems(401, 403),
        summary="All applications as an Excel workbook",
        description="Made while the request waits; for large data prefer an export job.",
        media_type=XLSX,
    )
    async def xlsx(self, ctx: Ctx, request: AnyRequest) -> Stream:
        return await services.xlsx_now_response(ctx.pool, ctx.clock.now(), principal_of(request))

    @post(
        "/jobs",
        operation_id="create_export_job",
        status_code=202,
        responses=problems(401, 403, 409, 422),
        summary="Start an export of all applications in the background",
        description=(
            "A worker writes the file; poll the job for its progress and fetch `download` once "
            "`state` is `done`. While the caller has an export of this format queued or running, "
            "that one is returned instead of a new one. Jobs are kept for 24 hours."
        ),
    )
    async def create_job(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[s.JobIn]
    ) -> Response[s.JobOut]:
        job = await services.create_job(ctx.pool, ctx.clock.now(), principal_of(request), data)
        return Response(
            services.job_out(job),
            status_code=202,
            headers={"Location": f"{services.JOBS_PATH}/{job.id}"},
        )

    @get(
        "/jobs/{job_id:uuid}",
        operation_id="get_export_job",
        responses=problems(401, 403, 404),
        summary="An export job's state and progress (only its requester sees it)",
    )
    async def get_job(self, ctx: Ctx, request: AnyRequest, job_id: FromPath[UUID]) -> s.JobOut:
        job = await services.get_job(ctx.pool, principal_of(request).user_id, job_id)
        return services.job_out(job)

    @get(
        "/jobs/{job_id:uuid}/file",
        operation_id="download_export_job",
        responses=problems(401, 403, 404, 409, 410),
        summary="The finished export's file; 409 `export_not_ready` until the job is done",
        media_type=XLSX,
    )
    async def job_file(self, ctx: Ctx, request: AnyRequest, job_id: FromPath[UUID]) -> Stream:
        return await services.job_file_response(
            ctx.pool, ctx.settings.data_dir, ctx.clock.now(), principal_of(request), job_id
        )
