from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from sql.migrate import MIGRATIONS_DIR, REWORDED, MigrationError, load_migrations, migrate
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


# The statements (every line but whole-line comments) of each reworded file as it was applied,
# hashed from the text whose checksum REWORDED accepts.
APPLIED_STATEMENTS = {
    "0018_token_holds_with_role.sql": (
        "09ed03b6ae930c14b44954c82890f4cfba3ed635891cb4bdeb6d77c1cb796c92"
    ),
    "0019_audit_sealing_set.sql": (
        "5608c574fb497b1d01c3a9ac18da8e87d55e02cdf88eab5fbe463bd4f58c61a8"
    ),
    "0020_time_ordered_ids.sql": (
        "c0e323e74f0469b6225d66abfc0390f008add24aa1f068fb0225e79eb437cee7"
    ),
}


def test_a_reworded_file_changed_only_its_comments() -> None:
    assert set(REWORDED) == set(APPLIED_STATEMENTS)
    for m in load_migrations():
        if m.name in REWORDED:
            lines = m.sql.splitlines(keepends=True)
            statements = "".join(x for x in lines if not x.lstrip().startswith("--"))
            assert hashlib.sha256(statements.encode()).hexdigest() == APPLIED_STATEMENTS[m.name]


async def test_a_database_that_applied_a_file_before_its_rewording_goes_on(empty_db: str) -> None:
    await migrate(empty_db)
    conn = await asyncpg.connect(empty_db)
    try:
        for name, checksum in REWORDED.items():
            await conn.execute(
                "UPDATE schema_migrations SET checksum = $2 WHERE name = $1", name, checksum
            )
    finally:
        await conn.close()
    assert await migrate(empty_db) == []


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
