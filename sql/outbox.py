"""The transactional outbox: a side effect is a row written with the change it reports.

Nothing is sent from a request; the workers relay committed rows, so a rolled-back change never
notifies anyone and a committed one always does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from sql.notification_topics import SILENT
from sql.queries import Q


def wakes_relay(topic: str) -> bool:
    """Whether a row of this topic should wake the relay at its commit (NOTIFY), or wait for the
    relay's tick (every 5 s).

    PostgreSQL serializes every transaction that sends a NOTIFY on one cluster-wide lock, held
    until its commit is flushed to disk, so notifying commits never share a flush. A row that no
    one must hear of (SILENT: a draft's creation) sends none, so the hottest write of the portal
    stays off that lock. The lag metric leaves out the same rows.
    """
    return topic not in SILENT


async def emit(
    conn: asyncpg.Connection, *, at: datetime, topic: str, payload: dict[str, Any]
) -> int:
    # The row and a NOTIFY that wakes the relay (delivered at commit only, so the usual latency is
    # well under a second), in one round trip.
    outbox_id: int = await conn.fetchval(Q.outbox_emit, at, topic, payload, wakes_relay(topic))
    return outbox_id
