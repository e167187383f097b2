"""Apply `sql/migrations/NNNN_name.sql` in order, once each.

Our own runner, because none of the maintained ones speaks asyncpg: it holds an advisory lock so
that concurrent starts apply each file once, runs each file in its own transaction, and refuses
to go on when a file that was applied has since changed.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK_KEY = 7_340_000_001  # any constant shared by every runner of this schema


# Files whose comments were reworded after databases applied them: the checksum they were applied
# under is accepted too. Only comments may change (tests/sql/test_migrate.py compares each file's
# statements with those of the text that checksum is of, kept in git).
REWORDED: dict[str, str] = {
    "0018_token_holds_with_role.sql": (
        "83087d458e8198874ee4a3651eac60f5c70326b0f28c8ca90e21ca2bfc2c912f"
    ),
    "0019_audit_sealing_set.sql": (
        "38beefe71ef7746f78f1dae2a8419791c4f8310c195a0c20089b8c29b5f47263"
    ),
    "0020_time_ordered_ids.sql": (
        "faf5a77c84d55eba00287851ae96163d98c3acbc1cc32b96f364f267dac47b67"
    ),
}


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        if not _FILE_NAME.match(path.name):
            raise MigrationError(f"{path.name}: migration files are named NNNN_snake_case.sql")
        migrations.append(Migration(path.name, path.read_text(encoding="utf-8")))
    numbers = [m.name[:4] for m in migrations]
    if len(set(numbers)) != len(numbers):
        raise MigrationError(f"two migrations share a number: {numbers}")
    return migrations


async def migrate(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply what is pending; return the names applied now."""
    migrations = load_migrations(directory)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        try:
            return await _apply(conn, migrations)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    finally:
        await conn.close()


@functools.cache
def _packaged_names() -> tuple[str, ...]:
    return tuple(m.name for m in load_migrations())


async def pending(conn: asyncpg.Connection) -> list[str]:
    """The packaged migrations this database has not applied (all of them on an empty one)."""
    try:
        applied = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
    except asyncpg.UndefinedTableError:  # never migrated
        applied = set()
    return [name for name in _packaged_names() if name not in applied]


async def _apply(conn: asyncpg.Connection, migrations: list[Migration]) -> list[str]:
    await conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_migrations (
               name text PRIMARY KEY,
               checksum text NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now())"""
    )
    applied = {
        r["name"]: r["checksum"] for r in await conn.fetch("SELECT * FROM schema_migrations")
    }
    known = {m.name for m in migrations}
    for name in applied:
        if name not in known:
            raise MigrationError(f"{name} was applied to this database but its file is missing")
    for m in migrations:
        if m.name in applied and applied[m.name] not in (m.checksum, REWORDED.get(m.name)):
            raise MigrationError(
                f"{m.name} was changed after it was applied; add a new migration instead"
            )
    done = []
    for m in migrations:
        if m.name in applied:
            continue
        async with conn.transaction():
            await conn.execute(m.sql)
            await conn.execute(
                "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", m.name, m.checksum
            )
        done.append(m.name)
    return done
