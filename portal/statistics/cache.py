"""The public figures, kept about a minute: the aggregate reads every application (a second or
so at a million), the page is asked far more often than the figures move.

Two levels: each process keeps the last figures it saw, and Redis shares them across processes,
so the fleet computes roughly once a minute. When they are stale, one request (of one process,
the one that takes the Redis lock) computes while every other is served the stale figures, which
say when they were computed; only a cold start waits. Redis down: each process computes for
itself, once a minute at most.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from collections.abc import Awaitable, Callable

import msgspec
from redis.asyncio import Redis

from portal.statistics.schemas import PublicStatistics

log = logging.getLogger("portal.statistics")

TTL = dt.timedelta(seconds=60)
KEY = "statistics:public:v1"  # the version changes with the document's shape
LOCK = "statistics:public:refresh"
LOCK_SECONDS = 30  # a process that died computing holds the refresh no longer than this


class FiguresCache:
    def __init__(self, ttl: dt.timedelta = TTL) -> None:
        self._ttl = ttl
        self._value: PublicStatistics | None = None
        self._computing = asyncio.Lock()

    def _fresh(self, value: PublicStatistics | None, now: dt.datetime) -> bool:
        return value is not None and dt.timedelta(0) <= now - value.as_of < self._ttl

    async def get(
        self,
        redis: Redis,
        now: dt.datetime,
        compute: Callable[[], Awaitable[PublicStatistics]],
    ) -> PublicStatistics:
        if self._fresh(self._value, now):
            return self._value  # type: ignore[return-value]
        shared = await _read(redis)
        if shared is not None and (self._value is None or shared.as_of > self._value.as_of):
            self._value = shared
        if self._fresh(self._value, now):
            return self._value  # type: ignore[return-value]
        if self._value is not None and self._computing.locked():
            return self._value  # this process is already computing
        async with self._computing:
            if self._fresh(self._value, now):
                return self._value  # type: ignore[return-value]
            if self._value is not None and not await _take(redis):
                return self._value  # another process is computing
            value = await compute()
            self._value = value
            await _write(redis, value)
            return value


async def _read(redis: Redis) -> PublicStatistics | None:
    try:
        raw = await redis.get(KEY)
        return None if raw is None else msgspec.json.decode(raw, type=PublicStatistics)
    except Exception as exc:  # Redis away, or an old shape: compute instead
        log.warning("statistics: shared figures unreadable: %r", exc)
        return None


async def _take(redis: Redis) -> bool:
    """The fleet's one refresh; when Redis cannot say, this process refreshes its own."""
    try:
        return bool(await redis.set(LOCK, secrets.token_hex(8), nx=True, ex=LOCK_SECONDS))
    except Exception as exc:
        log.warning("statistics: refresh lock unavailable: %r", exc)
        return True


async def _write(redis: Redis, value: PublicStatistics) -> None:
    try:
        async with redis.pipeline(transaction=True) as pipe:
            # Kept well past its minute: a stale answer beats a wait while someone recomputes.
            pipe.set(KEY, msgspec.json.encode(value), ex=3600)
            pipe.delete(LOCK)
            await pipe.execute()
    except Exception as exc:
        log.warning("statistics: shared figures not stored: %r", exc)
