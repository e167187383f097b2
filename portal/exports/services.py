"""Exports of applications: CSV streamed straight from PostgreSQL's COPY; XLSX written by
`sql.exports.write_xlsx`, either in the request or as a job a worker runs (`sql.export_jobs`)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from uuid import UUID

import anyio
import asyncpg
from anyio import AsyncFile
from litestar.response import Stream

from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.exports import schemas as s
from sql import audit
from sql import export_jobs as store
from sql.exports import job_file, write_xlsx
from sql.pool import transaction
from sql.queries import Q

JOBS_PATH = "/api/v1/admin/exports/jobs"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CHUNK = 256 * 1024  # what is handed to the server at once; asyncpg's pieces are ~8 KB


async def csv_chunks(
    pool: asyncpg.Pool, districts: list[str] | None = None
) -> AsyncIterator[bytes]:
    """COPY … TO STDOUT into a bounded queue: memory stays flat however many rows there are.

    asyncpg's pieces are gathered into CHUNK-sized ones, so the server writes (and the client
    reads) a few hundred HTTP chunks per million rows rather than tens of thousands; the queue
    holds at most 16 of them.
    """
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=16)
    pending = bytearray()

    async def sink(piece: bytes) -> None:
        pending.extend(piece)  # asyncpg reuses its buffer: copy it now
        if len(pending) >= CHUNK:
            await queue.put(bytes(pending))
            pending.clear()

    async def produce() -> None:
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SET LOCAL DateStyle = ISO")  # see Q.export_applications_csv
                await conn.copy_from_query(
                    Q.export_applications_csv, districts, output=sink, format="csv", header=True
                )
            if pending:
                await queue.put(bytes(pending))
        finally:
            await queue.put(None)

    task = asyncio.create_task(produce())
    yield "\ufeff".encode()  # so Excel reads the Chinese as UTF-8
    try:
        while (chunk := await queue.get()) is not None:
            yield chunk
        await task
    finally:
        task.cancel()


async def xlsx_now(pool: asyncpg.Pool, districts: list[str] | None = None) -> AsyncIterator[bytes]:
    """The workbook made while the caller waits (in a temp file, removed once it is open), then
    its bytes; a failure is raised here, before the response starts."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    await write_xlsx(pool, Path(path), districts=districts)
    try:
        f = await anyio.open_file(path, "rb")
    finally:
        await asyncio.to_thread(os.unlink, path)  # the open file stays readable
    return file_chunks(f)


async def file_chunks(f: AsyncFile[bytes]) -> AsyncIterator[bytes]:
    """An open file's bytes; it was opened by the handler, so a missing file is an error there."""
    try:
        while chunk := await f.read(CHUNK):
            yield chunk
    finally:
        await f.aclose()


# ---------------------------------------------------------------- export jobs


def job_out(job: store.ExportJob) -> s.JobOut:
    return s.JobOut(
        id=job.id,
        format=job.format,
        state=job.state,
        rows_done=job.rows_done,
        rows_total=job.rows_total,
        percent=job.percent,
        created_at=job.created_at,
        finished_at=job.finished_at,
        download=f"{JOBS_PATH}/{job.id}/file" if job.state == "done" else None,
    )


def _not_found() -> ProblemError:
    return ProblemError(404, "not_found", "No such export job.", "没有这个导出任务。")


async def create_job(
    pool: asyncpg.Pool, now: datetime, principal: Principal, data: s.JobIn
) -> store.ExportJob:
    """Queue an export (a worker is woken at commit); the caller's open one if there is one."""
    return await store.create(
        pool, requested_by=principal.user_id, actor=principal.actor, format=data.format, now=now
    )


async def audit_download(
    pool: asyncpg.Pool, now: datetime, principal: Principal, what: str
) -> None:
    """Every export leaves the portal on the audit trail, before its first byte does."""
    async with transaction(pool) as conn:
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="export.downloaded",
            entity_type="export",
            entity_id=what,
        )


async def csv_response(pool: asyncpg.Pool, now: datetime, principal: Principal) -> Stream:
    await audit_download(pool, now, principal, "applications.csv")
    return Stream(
        csv_chunks(pool, principal.scope()),
        media_type="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="applications.csv"',
            "Cache-Control": "private, no-store",
        },
    )


async def xlsx_now_response(pool: asyncpg.Pool, now: datetime, principal: Principal) -> Stream:
    await audit_download(pool, now, principal, "applications.xlsx")
    return _xlsx_stream(await xlsx_now(pool, principal.scope()))


async def job_file_response(
    pool: asyncpg.Pool, data_dir: Path, now: datetime, principal: Principal, job_id: UUID
) -> Stream:
    f = await open_job_file(pool, data_dir, principal.user_id, job_id)
    try:
        await audit_download(pool, now, principal, f"export_job:{job_id}")
    except BaseException:
        await f.aclose()
        raise
    return _xlsx_stream(file_chunks(f))


def _xlsx_stream(chunks: AsyncIterator[bytes]) -> Stream:
    return Stream(
        chunks,
        media_type=XLSX,
        headers={
            "Content-Disposition": 'attachment; filename="applications.xlsx"',
            "Cache-Control": "private, no-store",
        },
    )


async def get_job(pool: asyncpg.Pool, user_id: UUID, job_id: UUID) -> store.ExportJob:
    """The caller's job; anyone else's does not exist for them."""
    job = await store.get(pool, job_id, user_id)
    if job is None:
        raise _not_found()
    return job


async def latest_job(pool: asyncpg.Pool, user_id: UUID) -> store.ExportJob | None:
    return await store.latest(pool, user_id, "xlsx")


async def open_job_file(
    pool: asyncpg.Pool, data_dir: Path, user_id: UUID, job_id: UUID
) -> AsyncFile[bytes]:
    """The finished workbook, opened (a purge after this cannot take it away mid-download)."""
    job = await get_job(pool, user_id, job_id)
    if job.state != "done":
        detail = (
            ("The export failed; start a new one.", "导出失败,请重新发起。")
            if job.state == "failed"
            else (
                f"The export is {job.state} ({job.percent}%); fetch the file once it is done.",
                f"导出尚未完成(已完成 {job.percent}%),请在完成后下载。",
            )
        )
        raise ProblemError(409, "export_not_ready", *detail)
    try:
        return await anyio.open_file(job_file(data_dir, job_id), "rb")
    except FileNotFoundError:
        raise ProblemError(
            410,
            "export_expired",
            "The file is no longer kept; start a new export.",
            "文件已过保存期限,请重新导出。",
        ) from None
