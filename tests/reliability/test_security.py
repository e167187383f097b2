"""Security promises that no other test owns: hashing parameters, cookie flags in production,
nothing secret in the logs, and a long audit chain written by many hands."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from datetime import timedelta

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.app import create_app
from sql import audit
from sql.pool import transaction
from sql.settings import Settings
from tests.factories import PASSWORD, bearer, register


async def test_argon2id_with_the_recommended_parameters_everywhere_but_the_tests(
    settings: Settings, clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    stored = {}
    for env in ("development", "test"):
        app = create_app(msgspec.structs.replace(settings, env=env), clock)
        async with AsyncTestClient(app) as c:
            await register(c, email=f"{env}@example.cn")
        stored[env] = await pool.fetchval(
            "SELECT password_hash FROM users WHERE email = $1", f"{env}@example.cn"
        )
    # RFC 9106's second recommended option: argon2id, 64 MiB, 3 passes, 4 lanes.
    assert stored["development"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    # The tests' environment alone: the same algorithm at its least cost.
    assert stored["test"].startswith("$argon2id$v=19$m=1024,t=1,p=1$")


async def test_production_cookies_are_secure(settings: Settings, clock: FrozenClock) -> None:
    prod = Settings(
        env="production",
        database_url=settings.database_url,
        redis_url=settings.redis_url,
        secret_key="x" * 40,
    )
    async with AsyncTestClient(create_app(prod, clock), base_url="https://portal.test") as c:
        page = await c.get("/login")
        assert "secure" in page.headers["set-cookie"].lower()  # the CSRF cookie
        await register(c, email="prod@example.cn")
        csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
        r = await c.post(
            "/login",
            data={"_csrf_token": csrf, "email": "prod@example.cn", "password": PASSWORD},
            follow_redirects=False,
        )
        cookie = next(
            v
            for k, v in r.headers.multi_items()
            if k == "set-cookie" and v.startswith("portal_session=")
        )
        assert (
            "secure" in cookie.lower()
            and "httponly" in cookie.lower()
            and "samesite=lax" in cookie.lower()
        )


async def test_no_password_token_or_document_in_the_logs(
    client: AsyncTestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    org = await register(client, email="logs@example.cn")
    await client.post(
        "/api/v1/auth/token", json={"email": "logs@example.cn", "password": "not-the-password"}
    )
    secret_pdf = b"%PDF-1.7\nTOP-SECRET-CONTENT-4242\n"
    await client.post(
        "/api/v1/documents",
        files={"file": ("s.pdf", secret_pdf, "application/pdf")},
        headers=bearer(org["token"]),
    )
    await client.get("/api/v1/me", headers=bearer(org["token"]))
    text = caplog.text
    for secret in (PASSWORD, "not-the-password", org["token"], "TOP-SECRET-CONTENT-4242"):
        assert secret not in text


async def test_1000_audit_events_from_50_writers_then_portal_audit_verify(
    pool: asyncpg.Pool, clock: FrozenClock, db_url: str, redis_url: str
) -> None:
    async def writer(w: int) -> None:
        for i in range(20):
            async with transaction(pool) as conn:
                await audit.append(
                    conn,
                    at=clock.now() + timedelta(milliseconds=i),
                    actor=f"user:{w}",
                    action="race",
                    entity_type="test",
                    entity_id=f"{w}/{i}",
                    data={"i": i},
                )

    await asyncio.gather(*(writer(w) for w in range(50)))
    assert await pool.fetchval("SELECT count(*) FROM audit_events") == 1000
    out = subprocess.run(
        [sys.executable, "-m", "portal.cli", "audit", "verify"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url},
        timeout=60,
    )
    assert out.returncode == 0 and "intact: 1000 events" in out.stdout
