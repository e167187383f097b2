"""Append to, seal and verify the hash-chained audit trail (the hash itself is defined in SQL).

An append is a plain INSERT in the caller's transaction. Sealing links committed events into the
chain afterwards, one sealer at a time (migration 0016), so writers never queue for the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from sql.queries import Q


async def append(
    conn: asyncpg.Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    data: dict[str, Any] | None = None,
) -> int:
    """Append one event in the caller's transaction; returns its seq (its place in write order).

    It takes no lock: the event joins the hash chain when `seal` next runs after the commit.
    """
    seq: int = await conn.fetchval(
        Q.audit_append, at, actor, action, entity_type, entity_id, data or {}
    )
    return seq


SEAL_BATCH = 5_000


async def seal(conn: asyncpg.Connection, batch: int = SEAL_BATCH) -> int:
    """Link every committed, unsealed event into the chain; returns how many were sealed.

    One transaction per batch, so the sealer's lock is never held long; any process may call it.
    """
    total = 0
    while True:
        async with conn.transaction():
            n: int = await conn.fetchval(Q.audit_seal, batch)
        total += n
        if n < batch:
            return total


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int  # events in the chain
    first_bad_seq: int | None = None
    reason: str | None = None
    unsealed: int = 0  # committed after this check sealed; checked next time


async def verify(conn: asyncpg.Connection) -> VerifyResult:
    """Seal what is committed, then check the whole chain; names the first bad event's seq."""
    await seal(conn)
    count = await conn.fetchrow(Q.audit_count)
    bad = await conn.fetchrow(Q.audit_first_broken)
    rows, unsealed = count["sealed"], count["unsealed"]
    if bad is None:
        return VerifyResult(ok=True, rows=rows, unsealed=unsealed)
    return VerifyResult(
        ok=False,
        rows=rows,
        first_bad_seq=bad["seq"],
        reason=bad["reason"],
        unsealed=unsealed,
    )
