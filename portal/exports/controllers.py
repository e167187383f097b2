from __future__ import annotations

import os
from collections.abc import AsyncIterator

import anyio
from litestar import Controller, get
from litestar.response import Stream

from domain.accounts import STAFF_ROLES
from portal.auth.guards import has_role
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.exports import services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _file_then_remove(path: str) -> AsyncIterator[bytes]:
    try:
        async with await anyio.open_file(path, "rb") as f:
            while chunk := await f.read(256 * 1024):
                yield chunk
    finally:
        os.unlink(path)


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
    async def csv(self, ctx: Ctx) -> Stream:
        return Stream(
            services.csv_chunks(ctx.pool),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="applications.csv"'},
        )

    @get(
        "/applications.xlsx",
        operation_id="export_applications_xlsx",
        responses=problems(401, 403),
        summary="All applications as an Excel workbook",
        media_type=XLSX,
    )
    async def xlsx(self, ctx: Ctx) -> Stream:
        path = await services.xlsx_file(ctx.pool)
        return Stream(
            _file_then_remove(path),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="applications.xlsx"'},
        )
