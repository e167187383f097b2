"""The hash chain: concurrent appends and sealers make one chain; any changed row is found there.

Appends take no lock; `audit.seal` (run by the workers and by `verify`) links committed events.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

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


async def _seal(pool: asyncpg.Pool, batch: int) -> int:
    async with pool.acquire() as conn:
        return await audit.seal(conn, batch)


@pytest.fixture
async def chain(pool: asyncpg.Pool, clock: FrozenClock) -> int:
    await asyncio.gather(*(_write(pool, clock, w, 10) for w in range(20)))
    return 200


async def test_concurrent_writers_make_one_valid_chain(pool: asyncpg.Pool, chain: int) -> None:
    async with pool.acquire() as conn:
        result = await audit.verify(conn)
    assert result == audit.VerifyResult(ok=True, rows=chain)
    rows = await pool.fetch("SELECT seq, chain_no FROM audit_events ORDER BY chain_no")
    assert [r["chain_no"] for r in rows] == list(range(1, chain + 1))
    assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)  # sealed in write order


async def test_racing_sealers_seal_each_event_once(pool: asyncpg.Pool, clock: FrozenClock) -> None:
    writers = [_write(pool, clock, w, 10) for w in range(10)]
    sealers = [_seal(pool, batch=7) for _ in range(6)]
    results = await asyncio.gather(*writers, *sealers)
    sealed_by_racers = sum(results[len(writers) :])
    sealed_after = await _seal(pool, batch=7)
    assert sealed_by_racers + sealed_after == 100
    async with pool.acquire() as conn:
        assert await audit.verify(conn) == audit.VerifyResult(ok=True, rows=100)


async def test_an_open_writer_holds_no_one_up(pool: asyncpg.Pool, clock: FrozenClock) -> None:
    # Before 0016 an append held the chain's lock to its commit: every other write waited.
    async with pool.acquire() as slow, slow.transaction():
        await audit.append(
            slow, at=clock.now(), actor="user:slow", action="x.y", entity_type="t", entity_id="1"
        )
        await asyncio.wait_for(_write(pool, clock, 1, 3), timeout=5)
        assert await _seal(pool, batch=10) == 3  # the open one is not yet committed
    assert await _seal(pool, batch=10) == 1
    async with pool.acquire() as conn:
        result = await audit.verify(conn)
    assert result == audit.VerifyResult(ok=True, rows=4)
    first = await pool.fetchval("SELECT actor FROM audit_events WHERE chain_no = 4")
    assert first == "user:slow"  # chained when it committed, after the ones written later


async def test_unsealed_events_are_sealed_by_verify(pool: asyncpg.Pool, clock: FrozenClock) -> None:
    await _write(pool, clock, 1, 5)
    assert await pool.fetchval("SELECT count(*) FROM audit_events WHERE hash IS NULL") == 5
    async with pool.acquire() as conn:
        assert await audit.verify(conn) == audit.VerifyResult(ok=True, rows=5)
    assert await pool.fetchval("SELECT count(*) FROM audit_events WHERE hash IS NULL") == 0


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
        await _seal(pool, batch=1000)
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
    await _seal(pool, batch=1000)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute("DELETE FROM audit_events WHERE seq = 50")
        result = await audit.verify(conn)
        assert (result.ok, result.first_bad_seq) == (False, 51)
        raise_rollback = asyncpg.exceptions.PostgresError
        del raise_rollback


async def test_the_table_refuses_update_and_delete(pool: asyncpg.Pool, chain: int) -> None:
    await pool.execute("SELECT audit_seal(100)")  # seq 1..100 sealed, 101..200 not yet
    for statement in (
        "UPDATE audit_events SET action = 'x' WHERE seq = 1",
        "UPDATE audit_events SET action = 'x' WHERE seq = 150",
        "DELETE FROM audit_events WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 150",
        "TRUNCATE audit_events",
        # Sealing is the one change allowed, and only as sealing: once, contents untouched.
        "UPDATE audit_events SET chain_no = 1000, prev_hash = hash, hash = hash WHERE seq = 1",
        "UPDATE audit_events SET chain_no = 1000, prev_hash = sha256('a'), hash = sha256('b'),"
        " data = '{}' WHERE seq = 150",
        # A sealing must leave the row whole: a place in the chain and two 32-byte hashes.
        "UPDATE audit_events SET chain_no = 0, prev_hash = sha256('a'), hash = sha256('b')"
        " WHERE seq = 150",
        "UPDATE audit_events SET chain_no = 1000, prev_hash = sha256('a'), hash = 'short'"
        " WHERE seq = 150",
        "UPDATE audit_events SET chain_no = 1000, prev_hash = NULL, hash = sha256('b')"
        " WHERE seq = 150",
        "UPDATE audit_events SET chain_no = 1000 WHERE seq = 150",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await pool.execute(statement)


async def test_a_place_in_the_chain_is_taken_once(pool: asyncpg.Pool, chain: int) -> None:
    # A sealing of the right shape passes the trigger; the chain_no index (sealed rows only,
    # since 0019) still refuses a place already taken.
    await pool.execute("SELECT audit_seal(100)")
    with pytest.raises(asyncpg.UniqueViolationError):
        await pool.execute(
            "UPDATE audit_events SET chain_no = 1, prev_hash = sha256('a'), hash = sha256('b')"
            " WHERE seq = 150"
        )


async def test_the_hash_is_sha256_of_the_row_as_a_json_array(
    pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    # Pinned independently of PostgreSQL: an outside auditor recomputes the chain from this
    # definition, so it must never drift (0014 rewrote the function; every hash must still hold).
    at = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
    async with transaction(pool) as conn:
        seq = await audit.append(
            conn,
            at=at,
            actor="user:a",
            action="application.created",
            entity_type="application",
            entity_id="42",
            data={"amount": "1.00", "名称": "展会"},
        )
    await _seal(pool, batch=10)
    row = await pool.fetchrow(
        "SELECT chain_no, prev_hash, hash FROM audit_events WHERE seq = $1", seq
    )
    text = (
        f'[{row["chain_no"]}, "2026-03-04T05:06:07.890123Z", "user:a", "application.created", '
        '"application", "42", {"amount": "1.00", "名称": "展会"}, '
        f'"{row["prev_hash"].hex()}"]'
    )
    assert row["hash"] == hashlib.sha256(text.encode()).digest()
