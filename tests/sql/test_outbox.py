"""The outbox row and the relay's wake-up: a NOTIFY, at commit, only for rows someone must hear of."""

from __future__ import annotations

import asyncio

import asyncpg

from domain.clock import FrozenClock
from sql import outbox
from sql.pool import transaction


async def _settle() -> None:
    await asyncio.sleep(0.3)  # a NOTIFY reaches a listener within milliseconds


async def test_a_row_someone_must_hear_of_wakes_the_relay_at_its_commit(
    pool: asyncpg.Pool, clock: FrozenClock, outbox_heard: list[object]
) -> None:
    async with transaction(pool) as conn:
        await outbox.emit(conn, at=clock.now(), topic="application.pass", payload={})
        await _settle()
        assert outbox_heard == []  # nothing before the commit: a rolled-back change wakes no one
    await _settle()
    assert len(outbox_heard) == 1


async def test_a_silent_row_is_written_but_wakes_no_one(
    pool: asyncpg.Pool, clock: FrozenClock, outbox_heard: list[object]
) -> None:
    async with transaction(pool) as conn:
        await outbox.emit(conn, at=clock.now(), topic="application.created", payload={})
    await _settle()
    assert outbox_heard == []
    assert await pool.fetchval("SELECT topic FROM outbox WHERE relayed_at IS NULL") == (
        "application.created"
    )


def test_only_silent_topics_skip_the_wake_up() -> None:
    assert not outbox.wakes_relay("application.created")
    assert outbox.wakes_relay("application.submit")
    assert outbox.wakes_relay("application.proposed")
    assert outbox.wakes_relay("application.some_new_action")
