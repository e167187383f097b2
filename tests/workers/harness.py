"""Running jobs and workers against the test servers: a job ctx without arq, and a real arq
worker run until a condition holds."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import asyncpg
import msgspec
from arq.connections import ArqRedis

from domain.clock import Clock
from sql import outbox
from sql.settings import Settings
from workers.context import Tuning
from workers.relay import relay
from workers.serialization import deserialize, serialize
from workers.settings import shutdown, startup, worker_options
from workers.worker import Worker

# Retries in tens of milliseconds instead of minutes.
FAST = Tuning(retry_base_seconds=0.05, retry_cap_seconds=0.2, lease=timedelta(minutes=5))


def with_smtp(settings: Settings, url: str | None) -> Settings:
    return msgspec.structs.replace(settings, smtp_url=url)


@contextlib.asynccontextmanager
async def job_ctx(
    settings: Settings, clock: Clock, tuning: Tuning = FAST
) -> AsyncIterator[dict[str, Any]]:
    """What arq hands a job, for calling jobs as plain functions."""
    assert settings.redis_url
    ctx: dict[str, Any] = {"settings": settings, "clock": clock, "tuning": tuning, "listen": False}
    redis = ArqRedis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
    redis.job_serializer, redis.job_deserializer = serialize, deserialize
    ctx["redis"] = redis  # connects on first use: a test may call a job while Redis is down
    await startup(ctx)
    try:
        yield ctx
    finally:
        await shutdown(ctx)
        await ctx["redis"].aclose()


def make_worker(
    settings: Settings, clock: Clock, *, tuning: Tuning = FAST, listen: bool = False
) -> Worker:
    options = worker_options(settings, clock=clock, tuning=tuning, listen=listen, schedule=False)
    return Worker(**{**options, "poll_delay": 0.01}, handle_signals=False)


async def run_worker_until(
    settings: Settings,
    clock: Clock,
    done: Callable[[], Awaitable[bool]],
    *,
    tuning: Tuning = FAST,
    listen: bool = False,
    timeout: float = 30,
) -> Worker:
    """Run a real worker until `done()` holds; fails the test after `timeout` seconds."""
    worker = make_worker(settings, clock, tuning=tuning, listen=listen)
    task = asyncio.ensure_future(worker.async_run())
    try:
        deadline = time.monotonic() + timeout
        while not await done():
            if task.done():
                task.result()
                raise AssertionError("the worker stopped")
            assert time.monotonic() < deadline, "the worker did not finish in time"
            await asyncio.sleep(0.05)
    finally:
        # Let jobs that are finishing (the row is done, arq's bookkeeping is not) end first.
        running = [t for t in worker.tasks.values() if not t.done()]
        if running:
            await asyncio.wait(running, timeout=5)
        with contextlib.suppress(asyncio.CancelledError):
            await worker.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return worker


async def open_deliveries(pool: asyncpg.Pool) -> int:
    n: int = await pool.fetchval(
        "SELECT (SELECT count(*) FROM deliveries WHERE status IN ('pending', 'failed'))"
        " + (SELECT count(*) FROM outbox WHERE relayed_at IS NULL)"
    )
    return n


async def deliver_everything(
    settings: Settings, clock: Clock, pool: asyncpg.Pool, tuning: Tuning = FAST
) -> None:
    """Relay the outbox and run a worker until every delivery is sent or dead."""
    async with job_ctx(settings, clock, tuning) as ctx:
        await relay(ctx)

    async def finished() -> bool:
        return await open_deliveries(pool) == 0

    await run_worker_until(settings, clock, finished, tuning=tuning)


async def emit(pool: asyncpg.Pool, at: Any, topic: str, **payload: Any) -> int:
    """An outbox row as a service writes it (without the change it would report)."""
    async with pool.acquire() as conn, conn.transaction():
        return await outbox.emit(conn, at=at, topic=topic, payload=payload)


async def org_of(pool: asyncpg.Pool, email: str) -> str:
    return str(await pool.fetchval("SELECT org_id FROM users WHERE email = $1", email))
