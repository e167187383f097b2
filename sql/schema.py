"""`schema.sql`: what the migrations produce, as pg_dump prints it, kept in git.

`make schema` (python -m sql.schema) rewrites it from a scratch database; a test checks that a
fresh migration still produces exactly this file.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SCHEMA_FILE = Path(__file__).parent / "schema.sql"


def _pg_dump() -> str:
    try:
        from pgserver._commands import POSTGRES_BIN_PATH  # the bundled, version-matched client

        return str(POSTGRES_BIN_PATH / "pg_dump")
    except ImportError:
        found = shutil.which("pg_dump")
        if not found:
            raise RuntimeError("pg_dump not found") from None
        return found


def dump_schema(dsn: str) -> str:
    out = subprocess.run(  # noqa: S603
        [_pg_dump(), "--schema-only", "--no-owner", "--no-privileges", "--no-comments", "-d", dsn],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    keep: list[str] = []
    for line in out.splitlines():
        if line.startswith(
            ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")
        ):
            continue
        if line.strip() or (keep and keep[-1].strip()):
            keep.append(line.rstrip())
    return "\n".join(keep).strip() + "\n"


async def _regenerate() -> None:
    import asyncpg

    from sql.embedded import resolve
    from sql.migrate import migrate
    from sql.settings import load_settings

    settings, servers = resolve(load_settings(), fsync=False)
    assert settings.database_url
    admin = await asyncpg.connect(settings.database_url)
    try:
        await admin.execute("DROP DATABASE IF EXISTS portal_schema_dump WITH (FORCE)")
        await admin.execute("CREATE DATABASE portal_schema_dump")
        dsn = settings.database_url.replace("/portal?", "/portal_schema_dump?")
        await migrate(dsn)
        SCHEMA_FILE.write_text(dump_schema(dsn), encoding="utf-8")
        await admin.execute("DROP DATABASE portal_schema_dump WITH (FORCE)")
    finally:
        await admin.close()
        if servers:
            servers.stop()


if __name__ == "__main__":
    import asyncio

    asyncio.run(_regenerate())
    print(f"wrote {SCHEMA_FILE}")
