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
    # The row and a NOTIFY that wakes the relay (delivered at commit only, so the usual latency is
    # well under a second), in one round trip.
    outbox_id: int = await conn.fetchval(Q.outbox_emit, at, topic, payload)
    return outbox_id
