"""Health, the OpenAPI document, and problem responses for routes that do not exist."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import msgspec
from litestar.testing import AsyncTestClient

from portal.app import create_app
from sql.migrate import migrate
from sql.settings import Settings
from tests.conftest import with_database
from tests.factories import register


async def test_health_reports_database_and_redis(client: AsyncTestClient) -> None:
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_503_without_database_but_the_app_answers(
    client: AsyncTestClient, servers: Settings, db_url: str
) -> None:
    # The database goes away under the running app: its connections are cut, it cannot reconnect.
    admin = await asyncpg.connect(servers.database_url)
    name = urlsplit(db_url).path.lstrip("/")
    assert name.startswith("portal_test_")
    await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    await admin.close()
    r = await client.get("/health")
    assert r.status_code == 503
    assert r.json()["database"] == "unavailable"
    r = await client.post("/api/v1/auth/token", json={"email": "a@b.cn", "password": "0123456789"})
    assert (r.status_code, r.json()["code"]) == (503, "service_unavailable")
    assert r.headers["retry-after"] == "5"


async def test_health_says_503_until_the_migrations_are_applied(
    settings: Settings, servers: Settings
) -> None:
    """`portal serve` started before `portal migrate`: the load balancer must not send it work."""
    from domain.clock import SystemClock

    assert servers.database_url
    name = f"portal_test_empty_{os.getpid()}"
    admin = await asyncpg.connect(servers.database_url)
    await admin.execute(f"DROP DATABASE IF EXISTS {name}")
    await admin.execute(f"CREATE DATABASE {name}")
    url = with_database(servers.database_url, name)
    try:
        empty = msgspec.structs.replace(settings, database_url=url)
        async with AsyncTestClient(create_app(empty, SystemClock())) as c:
            r = await c.get("/health")
            assert r.status_code == 503
            assert r.json() == {
                "status": "unavailable",
                "database": "migrations_pending",
                "redis": "ok",
            }
            await migrate(url)
            r = await c.get("/health")
            assert (r.status_code, r.json()["database"]) == (200, "ok")
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def test_health_degraded_without_redis(settings: Settings) -> None:
    from domain.clock import SystemClock

    broken = Settings(
        env="test", database_url=settings.database_url, redis_url="redis://127.0.0.1:1/0"
    )
    async with AsyncTestClient(create_app(broken, SystemClock())) as c:
        r = await c.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "degraded", "database": "ok", "redis": "unavailable"}


async def test_openapi_documents_every_route_with_error_schemas(client: AsyncTestClient) -> None:
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert "Problem" in doc["components"]["schemas"]
    operation_ids = set()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            operation_ids.add(op["operationId"])
            if path.startswith("/api/"):
                codes = set(op["responses"])
                assert any(c.startswith("2") for c in codes), (path, method)
                assert "500" in codes, (path, method, "documents no error")
                for c in (c for c in codes if c[0] in "45"):
                    content = op["responses"][c].get("content", {})
                    assert "application/problem+json" in content, (path, method, c)
    assert {
        "register",
        "issue_token",
        "logout",
        "get_me",
        "create_staff_user",
        "health",
    } <= operation_ids
    assert (await client.get("/schema")).status_code == 200


async def test_unknown_route_and_method_are_problems(client: AsyncTestClient) -> None:
    r = await client.get("/api/v1/nothing-here")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    r = await client.delete("/api/v1/auth/register")
    assert (r.status_code, r.json()["code"]) == (405, "method_not_allowed")


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in a /metrics text, 0 if it is not there."""
    for line in text.splitlines():
        series, _, value = line.rpartition(" ")
        if series.startswith(name + "{") and all(f'{k}="{v}"' in series for k, v in labels.items()):
            return float(value)
    return 0.0


async def test_metrics_count_each_answer_with_the_status_the_client_got(
    client: AsyncTestClient,
) -> None:
    before = (await client.get("/metrics")).text
    path = "/api/v1/applications/{application_id}"
    for _ in range(3):  # no token: refused by the guard
        r = await client.get("/api/v1/applications/00000000-0000-0000-0000-000000000001")
        assert r.status_code == 401
    org = await register(client, email="counted@example.cn")
    mine = {"Authorization": f"Bearer {org['token']}"}
    for _ in range(2):  # the portal's own ProblemError, not an HTTPException: still a 404
        r = await client.get(
            "/api/v1/applications/00000000-0000-0000-0000-000000000002", headers=mine
        )
        assert (r.status_code, r.json()["code"]) == (404, "not_found")
    await client.get("/api/v1/programs")
    after = (await client.get("/metrics")).text

    def grew(name: str, **labels: str) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    assert grew("portal_requests_total", path=path, status_code="401", method="GET") == 3
    assert grew("portal_requests_total", path=path, status_code="200") == 0
    assert grew("portal_request_duration_seconds_count", path=path, status_code="401") == 3
    assert grew("portal_requests_total", path=path, status_code="404") == 2
    assert grew("portal_requests_total", path=path, status_code="500") == 0
    assert grew("portal_requests_error_total", path=path) == 0
    assert grew("portal_requests_total", path="/api/v1/programs", status_code="200") == 1
    # /metrics itself is not counted, and nothing is left in flight.
    assert _sample(after, "portal_requests_total", path="/metrics") == 0
    assert _sample(after, "portal_requests_in_progress", path=path) == 0


async def test_metrics_report_requests_and_outbox_lag(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: Any
) -> None:
    await client.get("/api/v1/programs")
    await pool.execute(
        "INSERT INTO outbox (created_at, topic, payload) VALUES ($1::timestamptz - interval '90 seconds', 't', '{}')",
        clock.now(),
    )
    # A draft's row: no one waits for it, so it is pending but does not count as lag.
    await pool.execute(
        "INSERT INTO outbox (created_at, topic, payload) VALUES ($1::timestamptz - interval '300 seconds', 'application.created', '{}')",
        clock.now(),
    )
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert 'path="/api/v1/programs"' in r.text
    assert "portal_outbox_pending 2.0" in r.text
    lag = next(
        line for line in r.text.splitlines() if line.startswith("portal_outbox_lag_seconds ")
    )
    assert float(lag.split()[1]) == 90.0
