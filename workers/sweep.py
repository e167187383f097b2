"""The sweep: deliveries whose job is lost get a new job.

Jobs are lost when Redis loses its data, when a worker dies holding them (arq re-runs those only
after its in-progress timeout), or when staff send a dead letter back to pending. The row's
`due_at` says when no live job can still finish it; each sweep gives such rows a new job number.
"""

from __future__ import annotations

from typing import Any

from sql import notifications as store
from workers import context as c
from workers.queue import enqueue_deliveries


async def sweep(ctx: dict[str, Any]) -> int:
    tune, now = c.tuning(ctx), c.now(ctx)
    total = 0
    while True:
        async with c.pool(ctx).acquire() as conn, conn.transaction():
            jobs = await store.take_due(
                conn, now=now, lease_until=now + tune.lease, limit=tune.sweep_batch
            )
            await enqueue_deliveries(c.redis(ctx), jobs)  # Redis down: roll back, try next time
        total += len(jobs)
        if len(jobs) < tune.sweep_batch:
            return total
