"""The transactional outbox: a side effect is a row written with the change it reports.

Nothing is sent from a request; the workers relay committed rows, so a rolled-back change never
notifies anyone and a committed one always does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from sql.queries import Q


async def emit(
    conn: asyncpg.Connection, *, at: datetime, topic: str, payload: dict[str, Any]
) -> int:
    outbox_id: int = await conn.fetchval(Q.outbox_insert, at, topic, payload)
    # Delivered at commit only; wakes the relay so the usual latency is well under a second.
    await conn.execute(Q.outbox_notify)
    return outbox_id
