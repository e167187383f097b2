"""An export job's life in the database, the one place its state and progress are kept.

The portal creates and reads jobs; the workers claim, advance and finish them. Every write a
worker makes names the attempt it claimed (`Claimed.attempt`), so a worker that was thought dead
and lost its job to another cannot change the row any more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg

from sql import audit
from sql.pool import transaction
from sql.queries import Q

Format = Literal["xlsx"]
State = Literal["queued", "running", "done", "failed"]
ERROR_MAX = 500  # characters of an error kept on the row


@dataclass(frozen=True, slots=True)
class ExportJob:
    id: UUID
    requested_by: UUID
    format: Format
    state: State
    rows_total: int | None
    rows_done: int
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None

    @property
    def percent(self) -> int:
        """0–100, and 100 only once the file is there (closing a big workbook takes a while)."""
        if self.state == "done":
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A job a worker now runs: its id and the attempt number that fences its writes."""

    id: UUID
    format: Format
    attempt: int
    districts: list[str] | None = None  # the requester's scope now (None: the city's, all)


def _job(row: asyncpg.Record) -> ExportJob:
    return ExportJob(
        row["id"],
        row["requested_by"],
        row["format"],
        row["state"],
        row["rows_total"],
        row["rows_done"],
        row["attempts"],
        row["created_at"],
        row["started_at"],
        row["finished_at"],
        row["error"],
    )


# ---------------------------------------------------------------- the portal's side


async def create(
    pool: asyncpg.Pool, *, requested_by: UUID, actor: str, format: Format, now: datetime
) -> ExportJob:
    """A new queued job (a worker is woken at commit), or the person's open one of this format.

    A new job is on the audit trail in its own transaction: who took all applications out.
    """
    for _ in range(3):  # the open one may finish between the two statements: look again
        async with transaction(pool) as conn:
            row = await conn.fetchrow(Q.export_job_create, requested_by, format, now)
            if row is not None:
                await audit.append(
                    conn,
                    at=now,
                    actor=actor,
                    action="export.requested",
                    entity_type="export_job",
                    entity_id=str(row["id"]),
                    data={"format": format},
                )
        if row is None:
            row = await pool.fetchrow(Q.export_job_open, requested_by, format)
        if row is not None:
            return _job(row)
    raise RuntimeError("could not create an export job")  # pragma: no cover - three races lost


async def get(pool: asyncpg.Pool, job_id: UUID, requested_by: UUID) -> ExportJob | None:
    """The job, if this person asked for it."""
    row = await pool.fetchrow(Q.export_job_get, job_id, requested_by)
    return None if row is None else _job(row)


async def latest(pool: asyncpg.Pool, requested_by: UUID, format: Format) -> ExportJob | None:
    row = await pool.fetchrow(Q.export_job_latest, requested_by, format)
    return None if row is None else _job(row)


# ---------------------------------------------------------------- the workers' side


async def claim(pool: asyncpg.Pool, now: datetime) -> Claimed | None:
    row = await pool.fetchrow(Q.export_job_claim, now)
    return (
        None
        if row is None
        else Claimed(row["id"], row["format"], row["attempts"], list(row["districts"]) or None)
    )


async def progress(
    pool: asyncpg.Pool, job: Claimed, *, done: int, total: int, now: datetime
) -> bool:
    """Record rows written (and beat); False when the job is no longer this attempt's."""
    row = await pool.fetchval(Q.export_job_progress, job.id, job.attempt, done, total, now)
    return row is not None


async def beat(pool: asyncpg.Pool, job: Claimed, now: datetime) -> bool:
    return await pool.fetchval(Q.export_job_beat, job.id, job.attempt, now) is not None


async def finish(
    pool: asyncpg.Pool,
    job: Claimed,
    *,
    rows: int,
    now: datetime,
    publish: Callable[[], Awaitable[None]],
) -> bool:
    """Put the file in place (`publish`) and mark the job done, with the row locked meanwhile;
    False, and nothing published, when the job is no longer this attempt's."""
    async with transaction(pool) as conn:
        if await conn.fetchval(Q.export_job_lock, job.id, job.attempt) is None:
            return False
        await publish()
        await conn.execute(Q.export_job_done, job.id, job.attempt, rows, now)
    return True


async def fail(pool: asyncpg.Pool, job: Claimed, *, error: str, now: datetime) -> None:
    await pool.execute(Q.export_job_failed, job.id, job.attempt, error[:ERROR_MAX], now)


async def release(pool: asyncpg.Pool, job: Claimed) -> None:
    """Hand the job back to the queue (a clean stop); another worker is woken for it."""
    await pool.execute(Q.export_job_release, job.id, job.attempt)


async def requeue_stale(
    pool: asyncpg.Pool, *, now: datetime, stale_before: datetime, max_attempts: int
) -> list[tuple[UUID, State]]:
    """Running jobs that last beat before `stale_before`: (id, new state) each."""
    rows = await pool.fetch(Q.export_jobs_requeue_stale, now, stale_before, max_attempts)
    return [(r["id"], r["state"]) for r in rows]


async def purge(pool: asyncpg.Pool, before: datetime) -> list[UUID]:
    """Forget jobs finished before `before`; returns their ids, whose files should go too."""
    return [r["id"] for r in await pool.fetch(Q.export_jobs_purge, before)]
