"""Exports: CSV streamed straight through; XLSX as an export job a worker runs, its progress
polled from the job's row (the same service as the API's export jobs, `portal.exports.services`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from portal.auth.guards import principal_of
from portal.context import Ctx
from portal.exports import schemas
from portal.exports import services as exports
from portal.web.console.common import AnyRequest, render
from sql.export_jobs import ExportJob
from sql.queries import Q


def _view(job: ExportJob) -> dict[str, Any]:
    """What the job's panel shows."""
    elapsed = None
    if job.started_at is not None and job.finished_at is not None:
        elapsed = max(0, round((job.finished_at - job.started_at).total_seconds()))
    return {
        "id": job.id,
        "state": job.state,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "elapsed": elapsed,
    }


class ExportPages:
    """Mixed into ConsolePages (path /console)."""

    @get("/exports")
    async def exports_page(
        self, ctx: Ctx, request: AnyRequest, job: FromQuery[UUID | None] = None
    ) -> Template:
        user = principal_of(request).user_id
        # The job asked for, else the person's latest: leaving the page loses nothing.
        found = (
            await exports.get_job(ctx.pool, user, job)
            if job
            else await exports.latest_job(ctx.pool, user)
        )
        rows = await ctx.pool.fetchval(Q.export_row_count, principal_of(request).scope())
        return render(request, "exports.html", job=_view(found) if found else None, rows=rows)

    @get("/exports/applications.csv")
    async def export_csv(self, ctx: Ctx, request: AnyRequest) -> Stream:
        return await exports.csv_response(ctx.pool, ctx.clock.now(), principal_of(request))

    @post("/exports/xlsx", status_code=200)
    async def start_xlsx(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        job = await exports.create_job(
            ctx.pool, ctx.clock.now(), principal_of(request), schemas.JobIn(format="xlsx")
        )
        if request.headers.get("hx-request") != "true":
            return Redirect(f"/console/exports?job={job.id}", status_code=303)
        return render(request, "_export_job.html", job=_view(job))

    @get("/exports/jobs/{job_id:uuid}")
    async def xlsx_job(self, ctx: Ctx, request: AnyRequest, job_id: FromPath[UUID]) -> Template:
        job = await exports.get_job(ctx.pool, principal_of(request).user_id, job_id)
        return render(request, "_export_job.html", job=_view(job))

    @get("/exports/jobs/{job_id:uuid}/applications.xlsx")
    async def xlsx_download(self, ctx: Ctx, request: AnyRequest, job_id: FromPath[UUID]) -> Stream:
        return await exports.job_file_response(
            ctx.pool, ctx.settings.data_dir, ctx.clock.now(), principal_of(request), job_id
        )
