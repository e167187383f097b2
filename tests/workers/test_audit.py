"""A running worker seals what the portal writes into the audit chain, and keeps at it."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

import workers.audit
from domain.clock import FrozenClock
from sql.pool import create_pool
from sql.settings import Settings
from tests.factories import register
from tests.portal.flows import create, filing_body
from tests.workers.harness import run_worker_until


async def _unsealed(pool: asyncpg.Pool) -> int:
    n: int = await pool.fetchval("SELECT count(*) FROM audit_events WHERE chain_no IS NULL")
    return n


async def test_a_worker_seals_the_portals_events_within_moments(
    client: AsyncTestClient, pool: asyncpg.Pool, settings: Settings, clock: FrozenClock
) -> None:
    token = str((await register(client, email="org@example.cn"))["token"])
    for _ in range(3):
        await create(client, token, filing_body())
    written = await pool.fetchval("SELECT count(*) FROM audit_events")
    assert written >= 4 and await _unsealed(pool) == written  # appends wait for no one

    async def sealed() -> bool:
        return await _unsealed(pool) == 0

    await run_worker_until(settings, clock, sealed, listen=True, timeout=10)
    chain = await pool.fetch("SELECT chain_no FROM audit_events ORDER BY chain_no")
    assert [r["chain_no"] for r in chain] == list(range(1, written + 1))


async def test_the_sealer_backs_off_while_the_database_is_away(
    db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    closed = await create_pool(db_url, min_size=1, max_size=1)
    await closed.close()  # every acquire now fails, as with the server gone
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 7:
            raise asyncio.CancelledError

    monkeypatch.setattr(workers.audit.asyncio, "sleep", sleep)
    with pytest.raises(asyncio.CancelledError):
        await workers.audit.seal_forever({"pool": closed}, every=1.0)
    assert pauses == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert len([r for r in caplog.records if "sealing the audit trail failed" in r.message]) == 7
