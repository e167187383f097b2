"""Exports: CSV streamed straight through; XLSX made in the background with its progress shown.

The XLSX job's state lives in Redis (any portal process can answer the polling) and its file under
`settings.data_dir/exports/` (where document files live too); the workbook itself is written by the
same `portal.exports.services.xlsx_file` the API uses.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import anyio
from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Stream, Template

from portal.auth.guards import principal_of
from portal.context import Context, Ctx
from portal.exports import services as exports
from portal.exports.controllers import XLSX
from portal.web.console.common import AnyRequest, render
from sql.queries import Q

log = logging.getLogger("portal.console.exports")

JOB_TTL_SECONDS = 3600  # a finished workbook is kept this long
BEAT_SECONDS = 2.0  # the running job says it is alive this often
STALE_SECONDS = 30.0  # no beat for this long: the process that ran it has gone
_running: set[asyncio.Task[None]] = set()


def _key(job_id: UUID) -> str:
    return f"console:export:{job_id}"


def _folder(ctx: Context) -> Path:
    return Path(ctx.settings.data_dir) / "exports"


def _file(ctx: Context, job_id: UUID) -> Path:
    return _folder(ctx) / f"{job_id}.xlsx"


async def _state(ctx: Context, job_id: UUID, user: str) -> dict[str, Any]:
    raw = await ctx.redis.hgetall(_key(job_id))  # type: ignore[misc]
    job = {k.decode(): v.decode() for k, v in raw.items()}
    if not job or job.get("user") != user:
        raise NotFoundException()  # someone else's export does not exist for you
    now = time.time()
    job["id"] = str(job_id)
    job["elapsed"] = int(float(job.get("finished", now)) - float(job["started"]))
    if job["state"] == "running" and now - float(job.get("beat", job["started"])) > STALE_SECONDS:
        job["state"] = "failed"
    return job


async def _run(ctx: Context, job_id: UUID) -> None:
    key = _key(job_id)

    async def beat() -> None:
        while True:
            await asyncio.sleep(BEAT_SECONDS)
            await ctx.redis.hset(key, "beat", str(time.time()))  # type: ignore[misc]

    beating = asyncio.create_task(beat())
    try:
        path = await exports.xlsx_file(ctx.pool)
        target = _file(ctx, job_id)
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(shutil.move, path, target)
        done = str(time.time())
        await ctx.redis.hset(key, mapping={"state": "done", "beat": done, "finished": done})  # type: ignore[misc]
    except Exception:
        log.exception("XLSX export %s failed", job_id)
        await ctx.redis.hset(key, "state", "failed")  # type: ignore[misc]
    finally:
        beating.cancel()


def _sweep(folder: Path) -> None:
    """Workbooks older than their job's lifetime are removed when a new one is made."""
    if not folder.is_dir():
        return
    cutoff = time.time() - JOB_TTL_SECONDS
    for old in folder.glob("*.xlsx"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as f:
        while chunk := await f.read(256 * 1024):
            yield chunk


class ExportPages:
    """Mixed into ConsolePages (path /console)."""

    @get("/exports")
    async def exports_page(
        self, ctx: Ctx, request: AnyRequest, job: UUID | None = None
    ) -> Template:
        state = await _state(ctx, job, str(principal_of(request).user_id)) if job else None
        rows = await ctx.pool.fetchval(Q.export_row_count)
        return render(request, "exports.html", job=state, rows=rows)

    @get("/exports/applications.csv")
    async def export_csv(self, ctx: Ctx) -> Stream:
        return Stream(
            exports.csv_chunks(ctx.pool),
            media_type="text/csv",
            headers={
                "Content-Disposition": 'attachment; filename="applications.csv"',
                "Cache-Control": "private, no-store",
            },
        )

    @post("/exports/xlsx", status_code=200)
    async def start_xlsx(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        job_id = uuid4()
        now = str(time.time())
        rows = await ctx.pool.fetchval(Q.export_row_count)
        await ctx.redis.hset(  # type: ignore[misc]
            _key(job_id),
            mapping={
                "state": "running",
                "user": str(principal_of(request).user_id),
                "started": now,
                "beat": now,
                "rows": str(rows),
            },
        )
        await ctx.redis.expire(_key(job_id), JOB_TTL_SECONDS)
        await asyncio.to_thread(_sweep, _folder(ctx))
        task = asyncio.create_task(_run(ctx, job_id))
        _running.add(task)
        task.add_done_callback(_running.discard)
        if request.headers.get("hx-request") != "true":
            return Redirect(f"/console/exports?job={job_id}", status_code=303)
        job = await _state(ctx, job_id, str(principal_of(request).user_id))
        return render(request, "_export_job.html", job=job)

    @get("/exports/jobs/{job_id:uuid}")
    async def xlsx_job(self, ctx: Ctx, request: AnyRequest, job_id: UUID) -> Template:
        job = await _state(ctx, job_id, str(principal_of(request).user_id))
        return render(request, "_export_job.html", job=job)

    @get("/exports/jobs/{job_id:uuid}/applications.xlsx")
    async def xlsx_download(self, ctx: Ctx, request: AnyRequest, job_id: UUID) -> Stream:
        job = await _state(ctx, job_id, str(principal_of(request).user_id))
        path = _file(ctx, job_id)
        if job["state"] != "done" or not await asyncio.to_thread(path.exists):
            raise NotFoundException()
        return Stream(
            _chunks(path),
            media_type=XLSX,
            headers={
                "Content-Disposition": 'attachment; filename="applications.xlsx"',
                "Cache-Control": "private, no-store",
            },
        )
