"""The bench's own PostgreSQL and Redis (embedded, under .data/bench) and its database."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from sql.embedded import EmbeddedServers, start_postgres, start_redis
from sql.migrate import migrate

DATA_DIR = Path(".data/bench")


@dataclass
class BenchServers:
    base_url: str  # the server's default database, for administration
    redis_url: str
    embedded: EmbeddedServers

    def stop(self) -> None:
        self.embedded.stop()


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def start(data_dir: Path = DATA_DIR) -> BenchServers:
    """Start (or reuse) the bench's own PostgreSQL and Redis under data_dir."""
    await asyncio.to_thread(data_dir.mkdir, parents=True, exist_ok=True)
    embedded = EmbeddedServers()
    # Durable like production (fsync and synchronous_commit on): the floor pays the same.
    base_url, embedded.pg = start_postgres(data_dir)
    sock, embedded.redis = start_redis(data_dir)
    return BenchServers(base_url, f"unix://{quote(str(sock))}?db=0", embedded)


async def database(servers: BenchServers, name: str, *, fresh: bool = False) -> str:
    """The URL of database `name` on the bench server, created if missing and migrated."""
    admin = await asyncpg.connect(servers.base_url)
    try:
        if fresh:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = with_database(servers.base_url, name)
    await migrate(url)
    return url
