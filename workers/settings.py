"""The arq worker: its functions, its schedule, its start-up and its numbers.

`worker_options()` returns the keyword arguments of `arq.Worker`; `python -m workers` runs one,
tests run one in burst mode with their own clock and tuning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg
from arq import cron, func
from arq.connections import RedisSettings

from domain.clock import BUSINESS_TZ, Clock, clock_for
from sql.pool import _init_connection
from sql.settings import Settings, load_settings
from workers import context as c
from workers.audit import seal_forever
from workers.channels.email import MailFolder, SmtpConfig, SmtpPool
from workers.channels.sms import gateway
from workers.deliver import deliver
from workers.exports import export_jobs
from workers.listener import Wakeup, listen
from workers.queue import DELIVER
from workers.relay import relay
from workers.reminders import claim_deadline_reminders, daily_digest, review_sla_reminders
from workers.scheduled import close_publicity, lapse_filings, purge_expired
from workers.serialization import deserialize, serialize
from workers.sweep import sweep

log = logging.getLogger("workers")

DELIVERY_TIMEOUT = 30  # seconds; within the lease, so a job past it is cancelled, not doubled
SCHEDULED_TIMEOUT = 300
EXPORT_TIMEOUT = 3 * 3600  # a tick may end up writing a workbook of millions of rows


async def heartbeat(ctx: dict[str, Any]) -> str:
    """A no-op job: proves the worker, its Redis and its database are alive."""
    async with ctx["pool"].acquire() as conn:
        await conn.fetchval("SELECT 1")
    return "ok"


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Release without asyncpg's reset query (a round trip after every query, a sixth of a
    delivery's database time). asyncpg still rolls back an open transaction first; the workers
    leave no other session state on pooled connections (no SET, LISTEN or session locks)."""


async def _pool(dsn: str) -> asyncpg.Pool:
    # sql.pool.create_pool's settings and codecs, plus the reset above.
    return await asyncpg.create_pool(
        dsn,
        min_size=2,
        max_size=20,
        init=_init_connection,
        reset=_keep_session,
        server_settings={"application_name": "portal-worker", "TimeZone": "UTC"},
        command_timeout=60,
    )


async def startup(ctx: dict[str, Any]) -> None:
    settings = c.settings(ctx)
    assert settings.database_url is not None
    ctx["pool"] = await _pool(settings.database_url)
    ctx.setdefault("clock", clock_for(settings.clock_offset_days))
    tune = c.tuning(ctx)
    ctx["mailer"] = (
        SmtpPool(SmtpConfig.from_url(settings.smtp_url), tune.smtp_connections)
        if settings.smtp_url
        else MailFolder(settings.mail_folder)
    )
    ctx["sms"] = gateway(settings.sms_gateway_url)
    if ctx.get("listen", True):
        wakeups = {
            "outbox": Wakeup("relay", lambda: relay(ctx)),
            "deliveries": Wakeup("sweep", lambda: sweep(ctx)),
            "export_jobs": Wakeup("exports", lambda: export_jobs(ctx)),
        }
        ctx["background"] = [
            asyncio.create_task(listen(settings.database_url, wakeups)),
            *(asyncio.create_task(w.run()) for w in wakeups.values()),
            asyncio.create_task(seal_forever(ctx)),
        ]


async def shutdown(ctx: dict[str, Any]) -> None:
    for task in ctx.pop("background", []):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    # Safe to call twice: `python -m workers` calls it again when arq's own close failed.
    if (mailer := ctx.pop("mailer", None)) is not None:
        await mailer.close()
    if (sms := ctx.pop("sms", None)) is not None:
        await sms.close()
    if (pool := ctx.pop("pool", None)) is not None:
        await pool.close()


def _every(seconds: int) -> set[int]:
    return set(range(0, 60, seconds))


def cron_jobs() -> list[Any]:
    """A fresh schedule per worker: arq keeps each job's next run on these objects."""
    return [
        cron(relay, name="relay", second=_every(5), run_at_startup=True, timeout=60),
        cron(sweep, name="sweep", second={15, 45}, run_at_startup=True, timeout=60),
        cron(
            export_jobs,
            name="export_jobs",
            second={10, 40},
            run_at_startup=True,
            timeout=EXPORT_TIMEOUT,
        ),
        cron(lapse_filings, minute={1, 31}, run_at_startup=True, timeout=SCHEDULED_TIMEOUT),
        cron(close_publicity, minute={2, 32}, run_at_startup=True, timeout=SCHEDULED_TIMEOUT),
        cron(claim_deadline_reminders, hour=set(range(9, 18)), minute=5, timeout=SCHEDULED_TIMEOUT),
        cron(review_sla_reminders, hour=set(range(9, 18)), minute=10, timeout=SCHEDULED_TIMEOUT),
        cron(daily_digest, hour={8, 9, 10, 11}, minute=30, timeout=SCHEDULED_TIMEOUT),
        cron(purge_expired, minute=20, timeout=SCHEDULED_TIMEOUT),
    ]


def worker_options(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    tuning: c.Tuning | None = None,
    listen: bool = True,
    schedule: bool = True,
) -> dict[str, Any]:
    """Keyword arguments for `arq.Worker`: what `python -m workers` runs, and tests adapt."""
    settings = settings or load_settings()
    assert settings.redis_url is not None
    ctx: dict[str, Any] = {"settings": settings, "listen": listen}
    if clock is not None:
        ctx["clock"] = clock
    if tuning is not None:
        ctx["tuning"] = tuning
    tries = (tuning or c.DEFAULT_TUNING).max_attempts
    return {
        "functions": [
            func(heartbeat, name="heartbeat"),
            # arq must never give up before our own count does: the row decides when it is dead.
            func(
                deliver, name=DELIVER, timeout=DELIVERY_TIMEOUT, max_tries=tries + 5, keep_result=0
            ),
        ],
        "cron_jobs": cron_jobs() if schedule else [],
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "job_serializer": serialize,
        "job_deserializer": deserialize,
        "ctx": ctx,
        "timezone": BUSINESS_TZ,
        # Past arq's defaults (100 per poll, 0.5 s, 10 at once): one worker then tops out at
        # 200 jobs/s. A short poll also keeps a notification's latency well under a second.
        "poll_delay": 0.02,
        "queue_read_limit": 500,
        "max_jobs": 100,
        "keep_result": 60,
        "health_check_interval": 30,
    }
