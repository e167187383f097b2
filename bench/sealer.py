"""The audit sealer, running beside the portal while it is measured, as `portal worker` runs it.

An audited write is finished only when the chain holds it, so the sealing's PostgreSQL time is
part of the POST's cost: it lands in the figure's PostgreSQL CPU (all its processes are counted).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

import asyncpg

from sql import audit
from workers.audit import SEAL_EVERY_SECONDS


async def _seal_until(url: str, stop: threading.Event) -> None:
    conn = await asyncpg.connect(url)
    try:
        while not stop.is_set():
            await audit.seal(conn)
            await asyncio.sleep(SEAL_EVERY_SECONDS)
        await audit.seal(conn)  # what the last second wrote
    finally:
        await conn.close()


@contextlib.contextmanager
def running(url: str) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=asyncio.run, args=(_seal_until(url, stop),), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
