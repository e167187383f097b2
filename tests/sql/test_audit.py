"""The hash chain: concurrent appends stay one chain; any changed row is found at that row."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
import pytest

from domain.clock import FrozenClock
from sql import audit
from sql.pool import transaction


async def _write(pool: asyncpg.Pool, clock: FrozenClock, writer: int, n: int) -> None:
    for i in range(n):
        async with transaction(pool) as conn:
            await audit.append(
                conn,
                at=clock.now() + timedelta(microseconds=writer * 1000 + i),
                actor=f"user:w{writer}",
                action="test.event",
                entity_type="test",
                entity_id=f"{writer}-{i}",
                data={"writer": writer, "i": i, "text": '中文 and "quotes" | pipes'},
            )


@pytest.fixture
async def chain(pool: asyncpg.Pool, clock: FrozenClock) -> int:
    await asyncio.gather(*(_write(pool, clock, w, 10) for w in range(20)))
    return 200


async def test_concurrent_writers_make_one_valid_chain(pool: asyncpg.Pool, chain: int) -> None:
    async with pool.acquire() as conn:
        result = await audit.verify(conn)
    assert result == audit.VerifyResult(ok=True, rows=chain)
    seqs = [r["seq"] for r in await pool.fetch("SELECT seq FROM audit_events ORDER BY seq")]
    assert seqs == list(range(1, chain + 1))


@pytest.mark.parametrize(
    "change",
    [
        "action = 'tampered'",
        'data = data || \'{"amount": "1.00"}\'',
        "at = at + interval '1 second'",
        "actor = 'user:someone-else'",
        "hash = sha256('x')",
        "prev_hash = sha256('y')",
    ],
)
async def test_changing_any_row_is_found_at_that_row(
    pool: asyncpg.Pool, chain: int, change: str
) -> None:
    for seq in (1, 2, 77, chain):
        async with pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            # As a superuser bypassing the append-only trigger would.
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.execute(f"UPDATE audit_events SET {change} WHERE seq = $1", seq)
            result = await audit.verify(conn)
            await tx.rollback()
        assert not result.ok and result.first_bad_seq == seq, (change, seq, result)


async def test_a_deleted_row_is_found(pool: asyncpg.Pool, chain: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute("DELETE FROM audit_events WHERE seq = 50")
        result = await audit.verify(conn)
        assert (result.ok, result.first_bad_seq) == (False, 51)
        raise_rollback = asyncpg.exceptions.PostgresError
        del raise_rollback


async def test_the_table_refuses_update_and_delete(pool: asyncpg.Pool, chain: int) -> None:
    for statement in (
        "UPDATE audit_events SET action = 'x' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 1",
        "TRUNCATE audit_events",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await pool.execute(statement)
