"""Figures kept about a minute: the public ones and each scope's staff figures. Their aggregates
read every application waiting or paid (a second or so at a million); the pages are asked far
more often than the figures move.

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
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, Protocol, TypeVar

import msgspec
from redis.asyncio import Redis

from portal.statistics.schemas import PublicStatistics, StaffStatistics

log = logging.getLogger("portal.statistics")

TTL = dt.timedelta(seconds=60)
LOCK_SECONDS = 30  # a process that died computing holds the refresh no longer than this


class Dated(Protocol):
    @property
    def as_of(self) -> dt.datetime: ...


F = TypeVar("F", bound=Dated)


class FiguresCache(Generic[F]):
    """One set of figures of `kind` (a msgspec type with `as_of`), shared under Redis `key`."""

    def __init__(self, key: str, kind: type[F], ttl: dt.timedelta = TTL) -> None:
        self._key, self._lock = f"statistics:{key}", f"statistics:{key}:refresh"
        self._kind = kind
        self._ttl = ttl
        self._value: F | None = None
        self._computing = asyncio.Lock()

    def _fresh(self, value: F | None, now: dt.datetime) -> bool:
        return value is not None and dt.timedelta(0) <= now - value.as_of < self._ttl

    async def get(self, redis: Redis, now: dt.datetime, compute: Callable[[], Awaitable[F]]) -> F:
        if self._fresh(self._value, now):
            return self._value  # type: ignore[return-value]
        shared = await _read(redis, self._key, self._kind)
        if shared is not None and (self._value is None or shared.as_of > self._value.as_of):
            self._value = shared
        if self._fresh(self._value, now):
            return self._value  # type: ignore[return-value]
        if self._value is not None and self._computing.locked():
            return self._value  # this process is already computing
        async with self._computing:
            if self._fresh(self._value, now):
                return self._value  # type: ignore[return-value]
            if self._value is not None and not await _take(redis, self._lock):
                return self._value  # another process is computing
            value = await compute()
            self._value = value
            await _write(redis, self._key, self._lock, value)
            return value


class PublicFigures(FiguresCache[PublicStatistics]):
    def __init__(self) -> None:
        super().__init__("public:v1", PublicStatistics)  # the version follows the shape


class StaffFigures:
    """The staff figures of each scope and year, each kept as the public ones are."""

    def __init__(self) -> None:
        self._caches: dict[str, FiguresCache[StaffStatistics]] = {}

    def of(self, year: int, districts: Sequence[str] | None) -> FiguresCache[StaffStatistics]:
        scope = ",".join(sorted(districts)) if districts else "city"
        key = f"staff:v1:{year}:{scope}"
        cache = self._caches.get(key)
        if cache is None:
            cache = self._caches[key] = FiguresCache(key, StaffStatistics)
        return cache


async def _read(redis: Redis, key: str, kind: type[F]) -> F | None:
    try:
        raw = await redis.get(key)
        return None if raw is None else msgspec.json.decode(raw, type=kind)
    except Exception as exc:  # Redis away, or an old shape: compute instead
        log.warning("statistics: shared figures unreadable: %r", exc)
        return None


async def _take(redis: Redis, lock: str) -> bool:
    """The fleet's one refresh; when Redis cannot say, this process refreshes its own."""
    try:
        return bool(await redis.set(lock, secrets.token_hex(8), nx=True, ex=LOCK_SECONDS))
    except Exception as exc:
        log.warning("statistics: refresh lock unavailable: %r", exc)
        return True


async def _write(redis: Redis, key: str, lock: str, value: Dated) -> None:
    try:
        async with redis.pipeline(transaction=True) as pipe:
            # Kept well past its minute: a stale answer beats a wait while someone recomputes.
            pipe.set(key, msgspec.json.encode(value), ex=3600)
            pipe.delete(lock)
            await pipe.execute()
    except Exception as exc:
        log.warning("statistics: shared figures not stored: %r", exc)
