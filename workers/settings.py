"""The arq worker: its Redis, its pool, its functions and its schedule."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from arq.connections import RedisSettings

from domain.clock import SystemClock
from sql.pool import create_pool
from sql.settings import Settings, load_settings
from workers.serialization import deserialize, serialize

log = logging.getLogger("workers")


async def heartbeat(ctx: dict[str, Any]) -> str:
    """A no-op job: proves the worker, its Redis and its database are alive."""
    async with ctx["pool"].acquire() as conn:
        await conn.fetchval("SELECT 1")
    return "ok"


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    assert settings.database_url is not None
    ctx["pool"] = await create_pool(settings.database_url, application_name="portal-worker")
    ctx["clock"] = SystemClock()


async def shutdown(ctx: dict[str, Any]) -> None:
    pool = ctx.get("pool")
    if pool is not None:
        await pool.close()


def worker_settings(settings: Settings | None = None) -> type:
    settings = settings or load_settings()
    assert settings.redis_url is not None
    redis_dsn: str = settings.redis_url
    worker_ctx: dict[str, Any] = {"settings": settings}

    class WorkerSettings:
        functions: ClassVar[list[Any]] = [heartbeat]
        on_startup = staticmethod(startup)
        on_shutdown = staticmethod(shutdown)
        redis_settings = RedisSettings.from_dsn(redis_dsn)
        job_serializer = staticmethod(serialize)
        job_deserializer = staticmethod(deserialize)
        ctx: ClassVar[dict[str, Any]] = worker_ctx
        # Past arq's defaults (100 per poll, 0.5 s): one worker then tops out at 200 jobs/s.
        poll_delay = 0.05
        queue_read_limit = 500
        max_jobs = 200
        keep_result = 60
        health_check_interval = 30

    return WorkerSettings
