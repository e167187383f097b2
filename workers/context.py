"""What every job finds in arq's `ctx`, and the numbers that tune delivery.

Jobs are plain `async def job(ctx)` functions: tests call them with a dict holding the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
from arq.connections import ArqRedis

from domain.clock import Clock, business_date
from sql.settings import Settings


@dataclass(frozen=True, slots=True)
class Tuning:
    # A job holds its delivery this long; after it the sweep assumes the job is lost.
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 5
    retry_base_seconds: float = 10.0  # 10 s, 30 s, 90 s, 270 s between the five tries
    retry_cap_seconds: float = 900.0
    relay_batch: int = 500
    sweep_batch: int = 1000
    smtp_connections: int = 4  # one pool of reused connections per worker process
    export_batch: int = 5000  # rows per read and per progress update
    export_beat_seconds: float = 5.0  # a running export says it is alive this often
    export_stale: timedelta = timedelta(seconds=60)  # no beat this long: its worker is gone
    export_max_attempts: int = 3
    export_keep: timedelta = timedelta(hours=24)  # a finished job and its file, then purged

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed try number `attempt` (1-based)."""
        return float(min(self.retry_base_seconds * 3 ** (attempt - 1), self.retry_cap_seconds))


DEFAULT_TUNING = Tuning()


def pool(ctx: dict[str, Any]) -> asyncpg.Pool:
    return ctx["pool"]


def redis(ctx: dict[str, Any]) -> ArqRedis:
    client: ArqRedis = ctx["redis"]
    return client


def settings(ctx: dict[str, Any]) -> Settings:
    return ctx["settings"]  # type: ignore[no-any-return]


def tuning(ctx: dict[str, Any]) -> Tuning:
    return ctx.get("tuning") or DEFAULT_TUNING


def now(ctx: dict[str, Any]) -> datetime:
    clock: Clock = ctx["clock"]
    return clock.now()


def today(ctx: dict[str, Any]) -> date:
    """The business date in China, from the injected clock."""
    return business_date(now(ctx))
