"""Writing an application's life: status changes with their audit event and outbox row.

Shared by the portal (people's decisions) and the workers (the scheduler's), so both record a
transition the same way, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from domain.errors import RuleViolation
from sql import audit, outbox
from sql.queries import Q


@dataclass(frozen=True, slots=True)
class ActorRef:
    """Who acted, as the audit trail and the timeline show it."""

    id: str  # 'user:<uuid>' or 'system'
    name: str


SYSTEM = ActorRef("system", "系统")


async def record_transition(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    *,
    action: str,
    to_status: str,
    actor: ActorRef,
    at: datetime,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """Move a locked application from its current status, and say so to the audit and outbox."""
    moved = await conn.fetchval(Q.set_status, row["id"], row["status"], to_status, at)
    if moved is None:  # the row was not locked by the caller, or changed under it
        raise RuleViolation(
            "invalid_transition",
            "The application changed meanwhile; reload and try again.",
            message_zh="申请状态已变化,请刷新后重试。",
            status=409,
        )
    event = {
        "from_status": row["status"],
        "to_status": to_status,
        "comment": comment,
        "actor_name": actor.name,
        **(data or {}),
    }
    await outbox.emit(
        conn,
        at=at,
        topic=f"application.{action}",
        payload={
            "application_id": str(row["id"]),
            "org_id": str(row["org_id"]),
            "type": row["type"],
            "program_code": row["program_code"],
            "reference": row["reference"],
            "action": action,
            "from_status": row["status"],
            "to_status": to_status,
            "comment": comment,
        },
    )
    await audit.append(
        conn,
        at=at,
        actor=actor.id,
        action=f"application.{action}",
        entity_type="application",
        entity_id=str(row["id"]),
        data=event,
    )


async def take_reference(conn: asyncpg.Connection, application_type: str, year: int) -> str:
    """WHAI-<the type's prefix>-<year>-<serial>, the serial counted per prefix and year."""
    row = await conn.fetchrow(Q.next_reference, application_type, year)
    return f"WHAI-{row['prefix']}-{year}-{row['last']:04d}"


async def lock(
    conn: asyncpg.Connection, application_id: UUID, districts: Collection[str] = ()
) -> asyncpg.Record | None:
    """The application, locked; None when there is none, or it is outside `districts` (a
    district staff member's scope; none given: every district)."""
    row = await conn.fetchrow(Q.application_for_update, application_id)
    if row is not None and districts and row["district_code"] not in districts:
        return None
    return row
