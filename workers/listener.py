"""LISTEN 'outbox', 'deliveries' and 'export_jobs' on a dedicated connection, so work starts
within moments.

The cron relay every few seconds is the safety net; a NOTIFY (sent by the transaction that wrote
the outbox row, at its commit) wakes the relay at once. Notifications coalesce: many commits
while a relay runs cause one more run. A dropped connection is reopened with back-off, and the
relay runs on each reconnect for what was committed meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

log = logging.getLogger("workers.listener")

KEEPALIVE_SECONDS = 15.0  # a silently dead connection is found within this


class Wakeup:
    """Runs `work` whenever woken, never twice at once; wakes during a run cause one rerun."""

    def __init__(self, name: str, work: Callable[[], Awaitable[Any]]) -> None:
        self.name = name
        self._work = work
        self._event = asyncio.Event()

    def wake(self) -> None:
        self._event.set()

    async def run(self) -> None:
        while True:
            await self._event.wait()
            self._event.clear()
            try:
                await self._work()
            except Exception as exc:  # Redis or the database away: the next wake or tick retries
                log.warning("%s failed: %r", self.name, exc)
                await asyncio.sleep(1.0)


async def _listen_once(dsn: str, wakeups: dict[str, Wakeup]) -> None:
    conn = await asyncpg.connect(dsn, server_settings={"application_name": "portal-worker-listen"})
    lost = asyncio.Event()
    try:
        conn.add_termination_listener(lambda _: lost.set())
        for channel, wakeup in wakeups.items():
            await conn.add_listener(channel, lambda *_, w=wakeup: w.wake())
        log.info("listening on %s", ", ".join(wakeups))
        for wakeup in wakeups.values():  # what was committed while no one listened
            wakeup.wake()
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), KEEPALIVE_SECONDS)
            if not lost.is_set():
                await conn.fetchval("SELECT 1", timeout=5)
    finally:
        conn.terminate()


async def listen(dsn: str, wakeups: dict[str, Wakeup]) -> None:
    """Keep a listening connection open for as long as the worker lives."""
    pause = 0.5
    while True:
        try:
            await _listen_once(dsn, wakeups)
            pause = 0.5
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            log.warning("LISTEN connection lost (%r); reconnecting in %.1fs", exc, pause)
        await asyncio.sleep(pause)
        pause = min(pause * 2, 10.0)
