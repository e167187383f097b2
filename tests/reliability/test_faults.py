"""Faults: PostgreSQL restarted under load; two portal processes on one database and Redis."""

from __future__ import annotations

import asyncio
import os
import pwd
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.e2e.conftest import LiveServer, serve
from tests.factories import PASSWORD, bearer, make_uscc, register
from tests.portal.flows import filing_body


def _restart_postgres(data_dir: Path) -> None:
    from pgserver._commands import pg_ctl

    pgdata = data_dir.resolve() / "postgres"
    user = pwd.getpwuid(pgdata.stat().st_uid).pw_name
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=pgdata, user=user if os.geteuid() == 0 else None)


async def test_postgres_restart_under_load(
    client: AsyncTestClient, servers: Settings, db_url: str
) -> None:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("restarts only the embedded test server")
    org = await register(client)
    headers = bearer(org["token"])
    restarted = threading.Event()
    thread = threading.Thread(target=lambda: (_restart_postgres(servers.data_dir), restarted.set()))
    statuses: list[int] = []
    thread.start()
    deadline = time.monotonic() + 30
    recovered_at = None
    while time.monotonic() < deadline:
        r = await client.post("/api/v1/applications", json=filing_body(), headers=headers)
        statuses.append(r.status_code)
        assert r.status_code in (201, 503), r.text  # never a 500
        if r.status_code == 503:
            assert r.json()["code"] == "service_unavailable" and r.headers["retry-after"]
        if restarted.is_set() and r.status_code == 201:
            recovered_at = recovered_at or time.monotonic()
            if statuses.count(201) > 5 and 503 in statuses:
                break
        await asyncio.sleep(0.05)
    thread.join()
    assert 503 in statuses, "the restart was not seen by any request"
    assert recovered_at is not None, "the portal did not recover by itself"
    # Nothing half-written: every created application has all its lines and its audit event.
    async with asyncpg.create_pool(db_url, min_size=1, max_size=1) as fresh:
        rows = await fresh.fetch(
            "SELECT a.id, count(l.*) AS lines FROM applications a LEFT JOIN application_lines l ON l.application_id = a.id GROUP BY a.id"
        )
        assert len(rows) == statuses.count(201)
        assert all(r["lines"] == 3 for r in rows)
        events = await fresh.fetchval(
            "SELECT count(*) FROM audit_events WHERE action = 'application.created'"
        )
        assert events == len(rows)


@pytest.fixture
def second_server(settings: Settings, clock: FrozenClock) -> Iterator[LiveServer]:
    with serve(settings, clock) as server:
        yield server


def _register(url: str, email: str) -> str:
    r = httpx.post(
        f"{url}/api/v1/auth/register",
        json={
            "org": {
                "name": "双实例测试",
                "uscc": make_uscc(),
                "contact_name": "x",
                "contact_phone": "13800000000",
            },
            "user": {"email": email, "password": PASSWORD, "name": "x"},
        },
    )
    assert r.status_code == 201, r.text
    return str(
        httpx.post(f"{url}/api/v1/auth/token", json={"email": email, "password": PASSWORD}).json()[
            "access_token"
        ]
    )


async def test_two_portals_share_sessions_idempotency_and_throttling(
    live_server: LiveServer, second_server: LiveServer
) -> None:
    a, b = live_server.url, second_server.url
    token = _register(a, "two@example.cn")
    assert httpx.get(f"{b}/api/v1/me", headers=bearer(token)).status_code == 200
    # Sessions: opened on one process, known to the other, ended for both.
    with httpx.Client(base_url=a) as on_a:
        csrf = on_a.get("/login").text.split('name="csrf-token" content="')[1].split('"')[0]
        on_a.post(
            "/login", data={"_csrf_token": csrf, "email": "two@example.cn", "password": PASSWORD}
        )
        session = on_a.cookies["portal_session"]
    with httpx.Client(base_url=b, cookies={"portal_session": session}) as on_b:
        home = on_b.get("/").text
        assert "当前用户" in home
        csrf = home.split('name="csrf-token" content="')[1].split('"')[0]
        on_b.post("/logout", data={"_csrf_token": csrf})
    with httpx.Client(base_url=a, cookies={"portal_session": session}) as again_a:
        assert "当前用户" not in again_a.get("/").text
    # Idempotency: a key taken on one process is honoured by the other.
    headers = {**bearer(token), "Idempotency-Key": "across-processes"}
    first = httpx.post(f"{a}/api/v1/applications", json=filing_body(), headers=headers)
    again = httpx.post(f"{b}/api/v1/applications", json=filing_body(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert (
        first.json()["id"] == again.json()["id"] and again.headers["idempotent-replayed"] == "true"
    )
    # Throttling: failures spread over both processes lock the account on both.
    for i in range(5):
        url = a if i % 2 else b
        r = httpx.post(
            f"{url}/api/v1/auth/token",
            json={"email": "two@example.cn", "password": "wrong-password"},
        )
        assert r.status_code == 401
    for url in (a, b):
        r = httpx.post(
            f"{url}/api/v1/auth/token", json={"email": "two@example.cn", "password": PASSWORD}
        )
        assert r.status_code == 429
