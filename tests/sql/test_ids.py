"""Ids made by the database are time-ordered UUIDv7 (migration 0020): later ids sort after
earlier ones, so an id's indexes grow at one end instead of at random pages."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid

import asyncpg


def _millis(u: uuid.UUID) -> int:
    return u.int >> 80


async def test_uuid7_is_a_version_7_uuid_of_the_current_millisecond(pool: asyncpg.Pool) -> None:
    before = time.time_ns() // 1_000_000
    made: uuid.UUID = await pool.fetchval("SELECT uuid7()")
    after = time.time_ns() // 1_000_000
    assert (made.version, made.variant) == (7, uuid.RFC_4122)
    assert before - 1000 <= _millis(made) <= after + 1000  # the server's clock, same machine


async def test_later_ids_sort_after_earlier_ones_and_none_repeat(pool: asyncpg.Pool) -> None:
    batches = []
    for _ in range(5):
        batches.append(
            await pool.fetchval("SELECT array_agg(uuid7()) FROM generate_series(1, 200)")
        )
        await asyncio.sleep(0.003)  # ordered by the millisecond; within one, at random
    for earlier, later in itertools.pairwise(batches):
        assert max(earlier) < min(later)
        assert max(map(str, earlier)) < min(map(str, later))  # as text too: the audit's index
    every = [u for b in batches for u in b]
    assert len(set(every)) == len(every)


async def test_a_row_inserted_without_an_id_gets_a_time_ordered_one(pool: asyncpg.Pool) -> None:
    made: uuid.UUID = await pool.fetchval(
        """INSERT INTO organizations (name, uscc, district_code, contact_name, contact_phone,
                                      created_at)
           VALUES ('武汉时序科技有限公司', '91420100MA4K000007', '420100', '张三', '13800000000',
                   now())
           RETURNING id"""
    )
    assert made.version == 7
    assert abs(_millis(made) - time.time_ns() // 1_000_000) < 60_000
