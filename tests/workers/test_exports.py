"""Export jobs end to end: the API queues, a worker writes the workbook with its progress on the
row, the requester alone sees and fetches it; a job whose worker died is requeued and finished."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql import export_jobs as store
from sql.exports import HEADERS, job_file
from sql.settings import Settings
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, filing_body
from tests.workers.harness import FAST, job_ctx, make_worker
from tests.xlsx import read_xlsx
from workers.exports import export_jobs

JOBS = "/api/v1/admin/exports/jobs"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def applications(client: AsyncTestClient, n: int) -> list[str]:
    org = await register(client, name="武汉导出任务科技有限公司")
    return [
        (await create(client, org["token"], filing_body(title=f"导出任务 {i}")))["id"]
        for i in range(n)
    ]


async def start(client: AsyncTestClient, token: str) -> dict[str, Any]:
    r = await client.post(JOBS, json={"format": "xlsx"}, headers=bearer(token))
    assert r.status_code == 202, r.text
    job: dict[str, Any] = r.json()
    assert r.headers["location"] == f"{JOBS}/{job['id']}"
    return job


async def job_of(client: AsyncTestClient, token: str, job_id: str) -> dict[str, Any]:
    r = await client.get(f"{JOBS}/{job_id}", headers=bearer(token))
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def problem(response: Any) -> tuple[int, str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code, response.json()["code"]


async def test_a_job_is_queued_run_by_a_listening_worker_and_its_workbook_downloaded(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
    staff: StaffFactory,
) -> None:
    ids = await applications(client, 4)
    me, other = await staff("auditor"), await staff("admin")

    # A worker with no schedule: only the NOTIFY of the job's creation can start the job.
    worker = make_worker(settings, clock, listen=True)
    running = asyncio.ensure_future(worker.async_run())
    try:
        for _ in range(200):
            if await pool.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = 'portal-worker-listen'"
            ):
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # LISTEN registered, the wake-up on connecting is over

        posted = time.monotonic()
        job = await start(client, me)
        assert job["state"] in ("queued", "running")  # a fast worker may have begun already
        assert job["format"] == "xlsx" and job["download"] is None and job["finished_at"] is None
        assert job["percent"] < 100
        # Asking again while it is open gives the same job, not a second one.
        assert (await start(client, me))["id"] == job["id"]
        # Someone else's job does not exist for them, nor does its file.
        r = await client.get(f"{JOBS}/{job['id']}", headers=bearer(other))
        assert await problem(r) == (404, "not_found")
        r = await client.get(f"{JOBS}/{job['id']}/file", headers=bearer(other))
        assert await problem(r) == (404, "not_found")

        started = None
        while (view := await job_of(client, me, job["id"]))["state"] != "done":
            assert view["state"] in ("queued", "running"), view
            if view["state"] == "running" and started is None:
                started = time.monotonic() - posted
            assert time.monotonic() - posted < 10, "the worker did not finish the job"
            await asyncio.sleep(0.02)
        # Woken by the NOTIFY, not a tick: it started at once (generous for a busy machine).
        assert (started if started is not None else time.monotonic() - posted) < 3
    finally:
        with contextlib.suppress(asyncio.CancelledError):
            await worker.close()
        with contextlib.suppress(asyncio.CancelledError):
            await running

    assert view["rows_done"] == view["rows_total"] == 4 and view["percent"] == 100
    assert view["finished_at"] is not None
    assert view["download"] == f"{JOBS}/{job['id']}/file"
    r = await client.get(view["download"], headers=bearer(me))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert r.headers["cache-control"] == "private, no-store"
    [sheet] = read_xlsx(r.content)
    assert sheet.rows[0] == HEADERS
    assert sorted(row[HEADERS.index("id")] for row in sheet.rows[1:]) == sorted(ids)
    assert {row[7] for row in sheet.rows[1:]} == {f"导出任务 {i}" for i in range(4)}
    assert job_file(settings.data_dir, UUID(job["id"])).exists()

    # Done, so a new request makes a new job.
    assert (await start(client, me))["id"] != job["id"]

    # Who took the applications out, and when, is on the audit trail: two jobs made (asking
    # again for an open one made none), one file fetched; the refused fetches left nothing.
    trail = await pool.fetch(
        "SELECT action, actor, entity_id FROM audit_events WHERE action LIKE 'export.%' ORDER BY seq"
    )
    assert [r["action"] for r in trail] == [
        "export.requested",
        "export.downloaded",
        "export.requested",
    ]
    assert len({r["actor"] for r in trail}) == 1 and trail[0]["actor"].startswith("user:")
    assert trail[0]["entity_id"] == job["id"]
    assert trail[1]["entity_id"] == f"export_job:{job['id']}"


async def test_a_csv_export_is_on_the_audit_trail_before_it_streams(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    await applications(client, 2)
    token = await staff("auditor")
    r = await client.get("/api/v1/admin/exports/applications.csv", headers=bearer(token))
    assert r.status_code == 200 and r.text.count("\n") == 3  # the heading and two rows
    row = await pool.fetchrow(
        "SELECT actor, entity_id FROM audit_events WHERE action = 'export.downloaded'"
    )
    assert row is not None and row["entity_id"] == "applications.csv"
    assert row["actor"].startswith("user:")


async def test_the_file_is_refused_until_the_job_is_done_and_bad_input_is_a_problem(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    me = await staff("reviewer")
    job = await start(client, me)
    assert job["state"] == "queued" and job["rows_total"] is None and job["percent"] == 0
    r = await client.get(f"{JOBS}/{job['id']}/file", headers=bearer(me))
    assert await problem(r) == (409, "export_not_ready")
    for body in ({"format": "pdf"}, {}, {"format": "xlsx", "extra": 1}, [], {"format": 1}):
        r = await client.post(JOBS, json=body, headers=bearer(me))
        assert await problem(r) == (422, "invalid_input"), body
    r = await client.get(f"{JOBS}/not-a-uuid", headers=bearer(me))
    assert r.status_code == 404
    r = await client.get(f"{JOBS}/{UUID(int=7)}", headers=bearer(me))
    assert await problem(r) == (404, "not_found")
    org = await register(client)
    r = await client.post(JOBS, json={"format": "xlsx"}, headers=bearer(org["token"]))
    assert await problem(r) == (403, "forbidden")


async def test_progress_is_on_the_row_while_the_workbook_is_written(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
    staff: StaffFactory,
    monkeypatch: Any,
) -> None:
    await applications(client, 7)
    me = await staff("finance")
    job = await start(client, me)
    seen: list[dict[str, Any]] = []
    record = store.progress

    async def watched(*args: Any, **kwargs: Any) -> bool:
        ok = await record(*args, **kwargs)
        seen.append(await job_of(client, me, job["id"]))  # what a poller sees right then
        return ok

    monkeypatch.setattr(store, "progress", watched)
    async with job_ctx(settings, clock, dataclasses.replace(FAST, export_batch=2)) as ctx:
        assert await export_jobs(ctx) == 1
    assert [(v["state"], v["rows_done"], v["rows_total"]) for v in seen] == [
        ("running", 0, 7),
        ("running", 2, 7),
        ("running", 4, 7),
        ("running", 6, 7),
        ("running", 7, 7),
    ]
    # 100 only once the file is there: the last rows are written before the workbook is closed.
    assert [v["percent"] for v in seen] == [0, 28, 57, 85, 99]
    done = await job_of(client, me, job["id"])
    assert (done["state"], done["rows_done"], done["rows_total"], done["percent"]) == (
        "done",
        7,
        7,
        100,
    )


async def test_a_jobs_workbook_never_begins_a_cell_with_a_formula(
    client: AsyncTestClient, settings: Settings, clock: FrozenClock, staff: StaffFactory
) -> None:
    org = await register(client, name="@武汉公式科技有限公司")
    await create(client, org["token"], filing_body(title='=HYPERLINK("http://evil.example")'))
    me = await staff("admin")
    job = await start(client, me)
    async with job_ctx(settings, clock, FAST) as ctx:
        assert await export_jobs(ctx) == 1
    r = await client.get(f"{JOBS}/{job['id']}/file", headers=bearer(me))
    assert r.status_code == 200
    [sheet] = read_xlsx(r.content)
    row = dict(zip(HEADERS, sheet.rows[1], strict=True))
    assert sheet.formulas == 0
    assert (row["title"], row["organization"]) == (
        '\'=HYPERLINK("http://evil.example")',
        "'@武汉公式科技有限公司",
    )


async def test_a_job_whose_worker_died_is_requeued_and_finished(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
    staff: StaffFactory,
) -> None:
    await applications(client, 3)
    me = await staff("reviewer")
    job = await start(client, me)
    job_id = UUID(job["id"])
    # A worker claimed it ten minutes ago, wrote part of it, and was killed.
    dead = await store.claim(pool, clock.now() - timedelta(minutes=10))
    assert dead is not None and dead.id == job_id and dead.attempt == 1
    half = job_file(settings.data_dir, job_id).with_suffix(".1.part")
    half.parent.mkdir(parents=True)
    half.write_bytes(b"PK half a workbook")
    assert (await job_of(client, me, job["id"]))["state"] == "running"

    async with job_ctx(settings, clock) as ctx:
        assert await export_jobs(ctx) == 1
    row = await pool.fetchrow("SELECT * FROM export_jobs WHERE id = $1", job_id)
    assert (row["state"], row["attempts"], row["rows_done"], row["error"]) == ("done", 2, 3, None)
    assert not half.exists()
    r = await client.get(f"{JOBS}/{job['id']}/file", headers=bearer(me))
    assert r.status_code == 200 and len(read_xlsx(r.content)[0].rows) == 4

    # The worker thought dead cannot touch the job any more, should it wake up.
    assert not await store.progress(pool, dead, done=1, total=3, now=clock.now())
    published: list[bool] = []

    async def publish() -> None:
        published.append(True)

    assert not await store.finish(pool, dead, rows=3, now=clock.now(), publish=publish)
    assert not published
    assert await pool.fetchval("SELECT state FROM export_jobs WHERE id = $1", job_id) == "done"


async def test_a_job_that_keeps_losing_its_worker_fails_after_the_last_attempt(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
    staff: StaffFactory,
) -> None:
    me = await staff("approver")
    job = await start(client, me)
    await pool.execute(
        "UPDATE export_jobs SET state = 'running', attempts = 3, started_at = $2, heartbeat_at = $2"
        " WHERE id = $1",
        UUID(job["id"]),
        clock.now() - timedelta(minutes=5),
    )
    async with job_ctx(settings, clock) as ctx:
        assert await export_jobs(ctx) == 0
    row = await pool.fetchrow("SELECT * FROM export_jobs WHERE id = $1", UUID(job["id"]))
    assert row["state"] == "failed" and row["finished_at"] == clock.now()
    assert row["error"] == "the worker running attempt 3 stopped"
    view = await job_of(client, me, job["id"])
    assert view["state"] == "failed" and view["download"] is None
    r = await client.get(f"{JOBS}/{job['id']}/file", headers=bearer(me))
    assert await problem(r) == (409, "export_not_ready")


async def test_a_recent_heartbeat_is_left_alone(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
    staff: StaffFactory,
) -> None:
    me = await staff("admin")
    job = await start(client, me)
    assert await store.claim(pool, clock.now() - timedelta(seconds=30)) is not None
    async with job_ctx(settings, clock) as ctx:
        assert await export_jobs(ctx) == 0
    row = await pool.fetchrow(
        "SELECT state, attempts FROM export_jobs WHERE id = $1", UUID(job["id"])
    )
    assert tuple(row) == ("running", 1)


async def test_a_failing_export_is_marked_failed_and_a_stopping_worker_hands_its_job_back(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
    staff: StaffFactory,
    monkeypatch: Any,
) -> None:
    await applications(client, 2)
    me = await staff("reviewer")
    job_id = UUID((await start(client, me))["id"])
    record = store.progress
    stalled = asyncio.Event()

    async def stall(*args: Any, **kwargs: Any) -> bool:
        stalled.set()
        await asyncio.sleep(3600)
        return False

    # Stopped mid-way (the worker shuts down): back to the queue, the attempt not counted.
    monkeypatch.setattr(store, "progress", stall)
    async with job_ctx(settings, clock) as ctx:
        task = asyncio.create_task(export_jobs(ctx))
        await asyncio.wait_for(stalled.wait(), 10)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    row = await pool.fetchrow("SELECT state, attempts FROM export_jobs WHERE id = $1", job_id)
    assert tuple(row) == ("queued", 0)

    async def broken(*args: Any, **kwargs: Any) -> bool:
        if kwargs["done"]:
            raise OSError("No space left on device")
        return await record(*args, **kwargs)

    monkeypatch.setattr(store, "progress", broken)
    async with job_ctx(settings, clock) as ctx:
        assert await export_jobs(ctx) == 1
    row = await pool.fetchrow(
        "SELECT state, attempts, error FROM export_jobs WHERE id = $1", job_id
    )
    assert (row["state"], row["attempts"]) == ("failed", 1)
    assert "No space left on device" in row["error"]
    assert list(Path(settings.data_dir, "exports").iterdir()) == []


async def test_finished_jobs_are_forgotten_with_their_files_after_a_day(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
    staff: StaffFactory,
) -> None:
    await applications(client, 1)
    me = await staff("auditor")
    job = await start(client, me)
    async with job_ctx(settings, clock) as ctx:
        assert await export_jobs(ctx) == 1
        path = job_file(settings.data_dir, UUID(job["id"]))
        assert path.exists()
        clock.advance(timedelta(hours=23))
        await export_jobs(ctx)
        assert path.exists()
        clock.advance(timedelta(hours=2))
        await export_jobs(ctx)
    assert not path.exists()
    r = await client.get(f"{JOBS}/{job['id']}", headers=bearer(me))
    assert await problem(r) == (404, "not_found")
