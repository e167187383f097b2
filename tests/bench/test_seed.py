"""Between figures the bench forgets what a run wrote, but keeps a day's worth of answered
Idempotency-Keys, as production holds them: an emptied table made the pool's cached plans scan it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import asyncpg

from bench.seed import Seeded, reset


async def test_reset_forgets_the_runs_keys_and_keeps_the_held_ones(db_url: str) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(
            "INSERT INTO idempotency_keys (scope, key, request_hash, created_at)"
            " VALUES ('user:1', 'k-1', $1, now())",
            hashlib.sha256(b"x").digest(),
        )
        meta = Seeded(rows=0, orgs=0, watermark=datetime.now(UTC), seconds=0.0)
        for _ in range(2):  # a second reset finds them there and adds none
            await reset(conn, meta)
            counts = dict(
                await conn.fetch("SELECT scope, count(*) FROM idempotency_keys GROUP BY scope")
            )
            assert counts == {"bench:held": 20_000}
        # The planner sees them: looking a key up goes through its index.
        plan = await conn.fetchval(
            "EXPLAIN SELECT * FROM idempotency_keys WHERE scope = 'user:1' AND key = 'k-1'"
        )
        assert "idempotency_keys_pkey" in plan
    finally:
        await conn.close()
