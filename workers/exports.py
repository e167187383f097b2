"""Export jobs: the workbook of every application, written by a worker with its progress kept on
the job's row (`sql.export_jobs`), where any portal process reads it.

A NOTIFY on 'export_jobs' (sent when a job is created) wakes the worker at once; the cron tick is
the safety net. Each run first requeues jobs whose worker stopped beating (up to the last
attempt, then they fail) and forgets old finished ones with their files, then claims queued jobs
one after another. One export at a time per worker process: each holds a database connection
and most of a CPU for as long as it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from sql import export_jobs as store
from sql.exports import job_file, remove_job_files, write_xlsx
from workers import context as c

log = logging.getLogger("workers.exports")


class JobLost(Exception):
    """The job was requeued while this worker ran it (its beat was late): stop writing."""


async def export_jobs(ctx: dict[str, Any]) -> int:
    """Requeue stale jobs, purge old ones, then run what is queued; returns how many ran."""
    pool, tune, now = c.pool(ctx), c.tuning(ctx), c.now(ctx)
    data_dir = c.settings(ctx).data_dir
    for job_id, state in await store.requeue_stale(
        pool,
        now=now,
        stale_before=now - tune.export_stale,
        max_attempts=tune.export_max_attempts,
    ):
        log.warning("export %s lost its worker: %s", job_id, state)
    for job_id in await store.purge(pool, now - tune.export_keep):
        await asyncio.to_thread(remove_job_files, data_dir, job_id)
    lock: asyncio.Lock = ctx.setdefault("export_lock", asyncio.Lock())
    if lock.locked():
        return 0  # this process is writing one already; another worker may take the next
    ran = 0
    async with lock:
        while (job := await store.claim(pool, c.now(ctx))) is not None:
            await run(ctx, job)
            ran += 1
    return ran


async def _beat(ctx: dict[str, Any], job: store.Claimed) -> None:
    """Keep the heartbeat fresh between batches, and while the workbook is being closed."""
    while True:
        await asyncio.sleep(c.tuning(ctx).export_beat_seconds)
        try:
            if not await store.beat(c.pool(ctx), job, c.now(ctx)):
                return  # taken over: the next progress update stops the writing
        except Exception as exc:  # the database away for a moment: the next beat retries
            log.warning("export %s: heartbeat failed: %r", job.id, exc)


async def run(ctx: dict[str, Any], job: store.Claimed) -> None:
    """Write the claimed job's workbook, then mark it done or failed."""
    pool, data_dir = c.pool(ctx), c.settings(ctx).data_dir
    final = job_file(data_dir, job.id)
    # This attempt's own names: a worker thought dead may still be writing its own.
    part = final.with_suffix(f".{job.attempt}.part")
    scratch = final.with_suffix(f".{job.attempt}.tmp")  # xlsxwriter's row files

    async def progress(done: int, total: int) -> None:
        if not await store.progress(pool, job, done=done, total=total, now=c.now(ctx)):
            raise JobLost

    async def publish() -> None:
        await asyncio.to_thread(os.replace, part, final)

    beating = asyncio.create_task(_beat(ctx, job))
    try:
        await asyncio.to_thread(remove_job_files, data_dir, job.id)  # earlier attempts' leftovers
        await asyncio.to_thread(scratch.mkdir, parents=True)
        rows = await write_xlsx(
            pool,
            part,
            progress=progress,
            batch=c.tuning(ctx).export_batch,
            tmpdir=scratch,
            districts=job.districts,
        )
        if not await store.finish(pool, job, rows=rows, now=c.now(ctx), publish=publish):
            raise JobLost
        log.info("export %s: %d rows", job.id, rows)
    except JobLost:
        log.warning("export %s: attempt %d was taken over; stopped", job.id, job.attempt)
    except asyncio.CancelledError:
        # The worker is stopping: hand the job back now rather than after the stale delay.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(store.release(pool, job), 5)
        raise
    except Exception as exc:
        log.exception("export %s failed", job.id)
        await store.fail(pool, job, error=repr(exc), now=c.now(ctx))
    finally:
        beating.cancel()
        await asyncio.to_thread(_tidy, part, scratch)


def _tidy(part: Path, scratch: Path) -> None:
    """What this attempt leaves behind: the published file only."""
    part.unlink(missing_ok=True)
    shutil.rmtree(scratch, ignore_errors=True)
