"""Sealing the audit trail: committed events join the hash chain (see `sql.audit.seal`).

Run by every worker as a background loop, not as an arq job, so the chain keeps being sealed
while Redis is away. Sealers take turns on a database lock, so many workers seal no event twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sql import audit
from workers import context as c

log = logging.getLogger("workers.audit")

SEAL_EVERY_SECONDS = 1.0
MAX_PAUSE_SECONDS = 30.0  # while the database is away: one warning per pause, not per second


async def seal_audit(ctx: dict[str, Any]) -> int:
    async with c.pool(ctx).acquire() as conn:
        return await audit.seal(conn)


async def seal_forever(ctx: dict[str, Any], every: float = SEAL_EVERY_SECONDS) -> None:
    pause = every
    while True:
        try:
            await seal_audit(ctx)
            pause = every
        except Exception as exc:  # the database away: events wait, committed, for the next try
            pause = min(pause * 2, MAX_PAUSE_SECONDS)
            log.warning("sealing the audit trail failed (%r); again in %.0f s", exc, pause)
        await asyncio.sleep(pause)
