"""The scheduled rules that change applications or tidy up, each dated by the injected clock.

Each is safe twice and on two workers at once: the SQL beneath takes rows with SKIP LOCKED and
checks statuses in its updates (see `sql.priors`, `sql.publicity`, `sql.idempotency`).
"""

from __future__ import annotations

from typing import Any

from sql import expired
from sql.priors import lapse_due
from sql.publicity import close_due_batches
from workers import context as c


async def lapse_filings(ctx: dict[str, Any]) -> int:
    """Filings not recognized by their event's start date lapse (and their organizer is told)."""
    return await lapse_due(c.pool(ctx), c.today(ctx), c.now(ctx))


async def close_publicity(ctx: dict[str, Any]) -> int:
    """Awards whose publicity period ended with no upheld objection become confirmed."""
    return await close_due_batches(c.pool(ctx), c.today(ctx), c.now(ctx))


async def purge_expired(ctx: dict[str, Any]) -> int:
    """Answered idempotency keys, unfinished sign-ins and spent rate-limit counts go."""
    return await expired.purge(c.pool(ctx), c.now(ctx))
