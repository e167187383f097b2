"""The pool resets a connection on release only after something failed on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from sql.pool import create_pool


@pytest.fixture
async def one(db_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool of one connection, so the next acquire gets the connection just released."""
    pool = await create_pool(db_url, min_size=1, max_size=1)
    yield pool
    await pool.close()


async def _probe(pool: asyncpg.Pool) -> str | None:
    value: str | None = await pool.fetchval("SELECT current_setting('portal.probe', true)")
    return value


async def test_a_failed_statement_gets_the_connection_reset(one: asyncpg.Pool) -> None:
    async with one.acquire() as conn:
        await conn.execute("SET portal.probe = 'left behind'")
        with pytest.raises(asyncpg.UndefinedTableError):
            await conn.fetchval("SELECT * FROM no_such_table")
    assert await _probe(one) in ("", None)  # RESET ALL ran on its way back


async def test_a_clean_release_costs_no_round_trip(one: asyncpg.Pool) -> None:
    # Nothing in the portal keeps session state on a pooled connection, so a connection that saw
    # no failure goes back as it is: the state set here is still there for the next user.
    async with one.acquire() as conn:
        await conn.execute("SET portal.probe = 'kept'")
    assert await _probe(one) == "kept"


async def test_an_open_transaction_is_rolled_back_on_release(one: asyncpg.Pool) -> None:
    async with one.acquire() as conn:
        await conn.transaction().start()
        await conn.execute("CREATE TABLE pool_probe (x int)")
    assert await one.fetchval("SELECT to_regclass('pool_probe')") is None
