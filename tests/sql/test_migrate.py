from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from sql.migrate import MIGRATIONS_DIR, MigrationError, load_migrations, migrate
from sql.schema import SCHEMA_FILE, dump_schema
from sql.settings import Settings
from tests.conftest import with_database


@pytest.fixture
async def empty_db(servers: Settings) -> AsyncIterator[str]:
    assert servers.database_url
    admin = await asyncpg.connect(servers.database_url)
    await admin.execute("DROP DATABASE IF EXISTS portal_migrate_test WITH (FORCE)")
    await admin.execute("CREATE DATABASE portal_migrate_test")
    try:
        yield with_database(servers.database_url, "portal_migrate_test")
    finally:
        await admin.execute("DROP DATABASE IF EXISTS portal_migrate_test WITH (FORCE)")
        await admin.close()


async def test_concurrent_runs_apply_each_file_once(empty_db: str) -> None:
    results = await asyncio.gather(*(migrate(empty_db) for _ in range(4)))
    applied = [name for result in results for name in result]
    assert sorted(applied) == [m.name for m in load_migrations()]
    conn = await asyncpg.connect(empty_db)
    try:
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == len(applied)
    finally:
        await conn.close()
    assert await migrate(empty_db) == []


async def test_an_edited_applied_file_is_refused(empty_db: str, tmp_path: Path) -> None:
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy)
    await migrate(empty_db, copy)
    first = sorted(copy.glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- an innocent-looking edit\n")
    with pytest.raises(MigrationError, match=f"{first.name} was changed after it was applied"):
        await migrate(empty_db, copy)


async def test_a_failing_file_leaves_nothing_behind(empty_db: str, tmp_path: Path) -> None:
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy)
    (copy / "9999_broken.sql").write_text("CREATE TABLE half_done (id int);\nSELECT 1/0;\n")
    with pytest.raises(asyncpg.DivisionByZeroError):
        await migrate(empty_db, copy)
    conn = await asyncpg.connect(empty_db)
    try:
        assert await conn.fetchval("SELECT to_regclass('half_done')") is None
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM schema_migrations WHERE name = '9999_broken.sql'"
            )
            == 0
        )
    finally:
        await conn.close()


def test_migrations_produce_exactly_schema_sql(template_url: str) -> None:
    assert dump_schema(template_url) == SCHEMA_FILE.read_text(encoding="utf-8"), (
        "sql/schema.sql is stale: run `make schema` and commit it"
    )
