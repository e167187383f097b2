"""The five first programs carried over onto definitions: a database seeded by `bench/seed.py`
under the hand-written programs (every migration before the one engine's), then migrated, gives
every approved application the same award to the fen when the engine computes it again."""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bench.seed import seed
from domain.definition import fields
from domain.definition.award import compute
from domain.money import Money
from portal.applications.types import lines_from_rows
from portal.programs import engine
from portal.programs.forms import bound_of, values_of
from sql.migrate import load_migrations, migrate
from sql.pool import create_pool
from sql.queries import Q
from sql.settings import Settings
from tests.conftest import with_database

ONE_ENGINE = "0025_one_engine.sql"


@pytest.fixture
async def seeded_before(servers: Settings, tmp_path: Path) -> AsyncIterator[str]:
    """A database at the migration before the one engine's, seeded as the bench seeds."""
    assert servers.database_url
    name = "portal_carry_over_test"
    admin = await asyncpg.connect(servers.database_url)
    await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {name}")
    url = with_database(servers.database_url, name)
    before = tmp_path / "migrations"
    before.mkdir()
    for m in load_migrations():
        if m.name < ONE_ENGINE:
            (before / m.name).write_text(m.sql, encoding="utf-8")
    await migrate(url, before)
    conn = await asyncpg.connect(url)
    try:
        await seed(conn, rows=4000, orgs=30, log=lambda *_: None)
    finally:
        await conn.close()
    try:
        yield url
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def test_every_award_is_the_same_to_the_fen_after_the_carry_over(
    seeded_before: str,
) -> None:
    conn = await asyncpg.connect(seeded_before)
    try:
        before = {
            r["id"]: r["amount_approved_fen"]
            for r in await conn.fetch(
                "SELECT id, amount_approved_fen FROM applications WHERE award IS NOT NULL"
            )
        }
    finally:
        await conn.close()
    assert ONE_ENGINE in await migrate(seeded_before)
    pool = await create_pool(seeded_before, min_size=1, max_size=1)
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT * FROM applications WHERE award IS NOT NULL ORDER BY created_at, id"
        )
        assert {r["type"] for r in rows} == {
            "event_claim",
            "ipo_domestic_claim",
            "ipo_overseas_claim",
            "scenario_project",
            "unveiling_award",
        }
        assert len(rows) == len(before) > 500
        # What each firm was paid before, in the order the awards were made (a total shared by
        # a firm's stages is what is left of it after its earlier awards).
        paid: dict[tuple[Any, str], Money] = collections.defaultdict(lambda: Money.ZERO)
        capped = 0
        for row in rows:
            b = await bound_of(conn, row)
            lines = lines_from_rows(await conn.fetch(Q.lines_of, row["id"]))
            values = values_of(b, row["payload"], row["filing_id"])
            found = engine.amounts(b, values, lines, row["payload"].get("approved") or {})
            key = (row["org_id"], row["program_code"])
            award = compute(
                b.definition, found, paid[key], fields.chosen(values), frozenset(), b.article
            )
            paid[key] += award.amount
            assert award.amount.fen == before[row["id"]], (row["type"], row["id"])
            capped += award.capped
        assert capped > 10  # the caps were reached, not only the plain rates
    await pool.close()
