"""The test session's real PostgreSQL and Redis, a migrated template database, and the app.

With DATABASE_URL and REDIS_URL set, those servers are used; otherwise embedded ones are started
under PORTAL_TEST_DATA_DIR (default .data/test). Each test that asks for `db_url` gets a fresh
database cloned from the template, so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from domain.clock import BUSINESS_TZ, FrozenClock
from portal.app import create_app
from portal.auth import passwords
from portal.programs import forms
from sql.embedded import resolve
from sql.migrate import migrate
from sql.pool import create_pool
from sql.settings import Settings

TEMPLATE = "portal_test_template"
# What every app made here chooses (env "test"), for the tests that hash before making one.
passwords.use_profile_for("test")
_counter = itertools.count()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def servers() -> Iterator[Settings]:
    base = Settings(
        env="test",
        data_dir=Path(os.environ.get("PORTAL_TEST_DATA_DIR", ".data/test")),
        database_url=os.environ.get("DATABASE_URL") or None,
        redis_url=os.environ.get("REDIS_URL") or None,
    )
    settings, embedded = resolve(base, fsync=False)
    yield settings
    if embedded:
        embedded.stop()


@pytest.fixture(scope="session")
async def template_url(servers: Settings) -> str:
    assert servers.database_url
    admin = await asyncpg.connect(servers.database_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await admin.close()
    url = with_database(servers.database_url, TEMPLATE)
    await migrate(url)
    return url


@pytest.fixture
async def db_url(servers: Settings, template_url: str) -> AsyncIterator[str]:
    assert servers.database_url
    name = f"portal_test_{os.getpid()}_{next(_counter)}"
    forms.forget()  # the process's definitions were another database's
    admin = await asyncpg.connect(servers.database_url)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    finally:
        await admin.close()
    yield with_database(servers.database_url, name)
    # A fresh connection: a test may have restarted the server meanwhile (and it may be starting).
    for _ in range(50):
        try:
            admin = await asyncpg.connect(servers.database_url)
            break
        except (asyncpg.CannotConnectNowError, OSError):
            await asyncio.sleep(0.2)
    else:
        admin = await asyncpg.connect(servers.database_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(db_url, min_size=1, max_size=25)
    yield pool
    await pool.close()


@pytest.fixture
async def outbox_heard(db_url: str) -> AsyncIterator[list[object]]:
    """What a relay's LISTEN connection hears on 'outbox' (one entry per NOTIFY)."""
    heard: list[object] = []
    listener = await asyncpg.connect(db_url)
    await listener.add_listener("outbox", lambda *args: heard.append(args))
    yield heard
    await listener.close()


@pytest.fixture
async def redis_url(servers: Settings) -> AsyncIterator[str]:
    assert servers.redis_url
    client = Redis.from_url(servers.redis_url)
    await client.flushdb()
    await client.aclose()
    yield servers.redis_url


@pytest.fixture
def clock() -> FrozenClock:
    # A Monday in term time, before most deadlines tests move it past.
    return FrozenClock(datetime(2026, 3, 2, 10, 0, tzinfo=BUSINESS_TZ))


@pytest.fixture
def settings(servers: Settings, db_url: str, redis_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=db_url,
        redis_url=redis_url,
        trusted_proxies=("10.9.9.9/32",),
        # Tests move the clock by months; a token outlives them unless a test says otherwise.
        token_ttl_seconds=400 * 86400,
    )


@pytest.fixture
async def client(settings: Settings, clock: FrozenClock) -> AsyncIterator[AsyncTestClient]:
    app = create_app(settings, clock)
    async with AsyncTestClient(app) as c:
        yield c


# A real SMTP server for the notification tests (`smtp_server` per session, `smtp` per test).
from tests.workers.smtp_sink import smtp, smtp_server  # noqa: E402, F401
