"""Append to and verify the hash-chained audit trail (the hash itself is defined in SQL)."""

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
    """Append one event in the caller's transaction; returns its seq.

    Appends are serialized by an advisory lock held to the end of the transaction, so call this
    last in a transaction, after the work it records.
    """
    seq: int = await conn.fetchval(
        Q.audit_append, at, actor, action, entity_type, entity_id, data or {}
    )
    return seq


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    reason: str | None = None


async def verify(conn: asyncpg.Connection) -> VerifyResult:
    count = await conn.fetchrow(Q.audit_count)
    bad = await conn.fetchrow(Q.audit_first_broken)
    if bad is None:
        return VerifyResult(ok=True, rows=count["n"])
    return VerifyResult(ok=False, rows=count["n"], first_bad_seq=bad["seq"], reason=bad["reason"])
