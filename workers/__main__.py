"""`python -m workers`: one arq worker process (`portal worker` supervises it).

It exits non-zero rather than hang when Redis is gone: commands time out, a brief outage (a
restart) is ridden out by retries, a longer one ends the process for the supervisor to restart.
SIGINT and SIGTERM stop it cleanly with status 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from typing import Any

from arq.connections import ArqRedis
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from sql.settings import Settings, SettingsError, load_settings
from workers.serialization import deserialize, serialize
from workers.settings import shutdown, worker_options
from workers.worker import Worker

log = logging.getLogger("workers")


def redis_client(url: str, retries: int) -> ArqRedis:
    """arq's client, with retries that span a restart of Redis (about ten seconds with 6) but
    not a long outage. No socket timeout here: with one, redis-py wraps every command in a task
    of its own, which costs a good share of the worker's time; the watchdog covers hangs."""
    redis: ArqRedis = ArqRedis.from_url(
        url,
        socket_connect_timeout=2,
        retry=Retry(ExponentialBackoff(cap=3.0, base=0.25), retries),
        retry_on_error=[RedisConnectionError, RedisTimeoutError, OSError],
    )
    redis.job_serializer = serialize
    redis.job_deserializer = deserialize
    return redis


class RedisGone(Exception):
    pass


async def watchdog(
    url: str, misses_allowed: int, *, every: float = 5.0, ping_timeout: float = 3.0
) -> None:
    """Raise when Redis has not answered a PING more than `misses_allowed` times in a row: a
    hung Redis or a silent network partition would otherwise leave the worker waiting forever."""
    probe: Redis = Redis.from_url(
        url, socket_timeout=ping_timeout, socket_connect_timeout=ping_timeout
    )
    misses = 0
    try:
        while misses <= misses_allowed:
            await asyncio.sleep(every)
            try:
                await probe.ping()
                misses = 0
            except (RedisError, OSError):
                misses += 1
        raise RedisGone(f"no answer to {misses} PINGs in a row")
    finally:
        await probe.aclose()


async def run(settings: Settings) -> int:
    assert settings.redis_url is not None
    options: dict[str, Any] = worker_options(settings)
    del options["redis_settings"]
    # How long a Redis outage is ridden out before exiting: WORKER_REDIS_RETRIES (default 6).
    retries = int(os.environ.get("WORKER_REDIS_RETRIES", "6"))
    redis = redis_client(settings.redis_url, retries)
    await redis.ping()  # fail fast at start-up: the supervisor retries with back-off
    worker = Worker(**options, redis_pool=redis)
    running = asyncio.ensure_future(worker.async_run())
    guard = asyncio.ensure_future(watchdog(settings.redis_url, max(retries // 2, 1)))
    try:
        await asyncio.wait({running, guard}, return_when=asyncio.FIRST_COMPLETED)
        if guard.done():
            running.cancel()
            guard.result()  # raises RedisGone
        await running
    except asyncio.CancelledError:  # SIGINT or SIGTERM: arq cancelled its main task
        with contextlib.suppress(Exception):
            await worker.close()  # lets running jobs finish, then closes Redis
        log.info("worker stopped")
    finally:
        guard.cancel()
        # After a Redis failure arq's close would only wait on Redis again: skip it. Jobs cut
        # short are safe: their rows' leases run out and the sweep gives them new jobs.
        await shutdown(worker.ctx)
        with contextlib.suppress(Exception):
            await redis.aclose()
    return 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # arq logs two lines per job at INFO: at hundreds of jobs a second that is a tenth of the
    # worker's time, and noise. Failures, retries and dead letters are logged as warnings.
    logging.getLogger("arq.worker").setLevel(os.environ.get("WORKER_ARQ_LOG_LEVEL", "WARNING"))
    try:
        settings = load_settings()
    except SettingsError as exc:
        log.error("bad setting: %s", exc)
        return 2
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:  # pragma: no cover - uvloop is there except on Windows
        runner = asyncio.run
    try:
        return int(runner(run(settings)))
    except (RedisError, RedisGone, OSError) as exc:
        log.error(
            "Redis unreachable (%r): exiting so that `portal worker` restarts the worker", exc
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
