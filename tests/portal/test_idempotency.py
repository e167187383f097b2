"""Idempotency-Key through HTTP: replay, reuse, races, failures, takeover and the purge."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any, cast

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient
from litestar.types import HTTPScope

from domain.clock import FrozenClock
from portal.accounts import services
from portal.idempotency import _digest
from sql.idempotency import purge_expired
from tests.factories import PASSWORD, bearer
from tests.portal.conftest import StaffFactory, concurrently

USERS = "/api/v1/admin/users"
_n = itertools.count(1)


def _user(email: str | None = None) -> dict[str, Any]:
    email = email or f"idem{next(_n)}@wuhan.gov.cn"
    return {"email": email, "password": PASSWORD, "name": "审核员", "roles": ["reviewer"]}


def _headers(token: str, key: str | None = None, **more: str) -> dict[str, str]:
    headers = {**bearer(token), **more}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


async def _users_named(pool: asyncpg.Pool, email: str) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM users WHERE email = $1", email)
    return count


async def test_same_key_and_body_replays_the_first_response(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    admin = await staff("admin")
    body = _user()
    first = await client.post(USERS, json=body, headers=_headers(admin, "k-1"))
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = await client.post(USERS, json=body, headers=_headers(admin, "k-1"))
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert await _users_named(pool, body["email"]) == 1
    # Without the key the same request really runs again: the replay above was not a re-run.
    plain = await client.post(USERS, json=body, headers=_headers(admin))
    assert (plain.status_code, plain.json()["code"]) == (409, "email_exists")


async def test_same_key_for_another_request_is_422(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    admin = await staff("admin")
    body = _user()
    assert (await client.post(USERS, json=body, headers=_headers(admin, "k"))).status_code == 201
    other = _user()
    r = await client.post(USERS, json=other, headers=_headers(admin, "k"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "idempotency_key_reused"
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    assert problem["errors"][0]["code"] == "idempotency_key_reused"
    assert "已用于" in problem["detail"]  # Chinese by default
    assert await _users_named(pool, other["email"]) == 0
    # Same body, another path or method: also another request.
    user_id = (await client.post(USERS, json=body, headers=_headers(admin, "k"))).json()["id"]
    r = await client.put(
        f"{USERS}/{user_id}/roles", json={"roles": ["auditor"]}, headers=_headers(admin, "k")
    )
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_reused")


async def test_keys_belong_to_their_caller(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    one, two = await staff("admin"), await staff("admin")
    a, b = _user(), _user()
    ra = await client.post(USERS, json=a, headers=_headers(one, "shared"))
    rb = await client.post(USERS, json=b, headers=_headers(two, "shared"))
    assert (ra.status_code, rb.status_code) == (201, 201)
    assert "idempotent-replayed" not in rb.headers
    assert await _users_named(pool, a["email"]) == await _users_named(pool, b["email"]) == 1
    # The same body by the other admin runs too (and meets the first one's user).
    rc = await client.post(USERS, json=a, headers=_headers(two, "other"))
    assert (rc.status_code, rc.json()["code"]) == (409, "email_exists")


def _burst(client: AsyncTestClient, n: int, **request: Any) -> list[httpx.Response]:
    return concurrently(client, [request] * n)


async def test_concurrent_copies_run_once(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    admin = await staff("admin")
    body = _user()
    responses = _burst(
        client, 20, method="POST", url=USERS, json=body, headers=_headers(admin, "race")
    )
    assert await _users_named(pool, body["email"]) == 1
    created = [r for r in responses if r.status_code == 201]
    busy = [r for r in responses if r.status_code == 409]
    assert len(created) + len(busy) == 20, [r.text for r in responses]
    assert created
    assert busy  # the copies really overlapped
    assert len({r.json()["id"] for r in created}) == 1
    for r in busy:
        assert r.json()["code"] == "idempotency_in_progress"
        assert r.headers["retry-after"] == "1"
    # Once settled, every copy is the replay.
    r = await client.post(USERS, json=body, headers=_headers(admin, "race"))
    assert (r.status_code, r.json()["id"]) == (201, created[0].json()["id"])
    assert r.headers["idempotent-replayed"] == "true"


async def test_a_4xx_answer_is_stored_and_replayed(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    admin = await staff("admin")
    bad = {**_user(), "roles": ["emperor"]}
    first = await client.post(USERS, json=bad, headers=_headers(admin, "bad"))
    assert (first.status_code, first.json()["code"]) == (422, "invalid_input")
    again = await client.post(USERS, json=bad, headers=_headers(admin, "bad"))
    assert again.status_code == 422
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.content == first.content
    assert await pool.fetchval("SELECT status_code FROM idempotency_keys") == 422


async def test_a_failed_request_leaves_no_key_so_the_retry_runs(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    staff: StaffFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = await staff("admin")
    body = _user()
    real = services.create_staff_user

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(services, "create_staff_user", broken)
    r = await client.post(USERS, json=body, headers=_headers(admin, "retry-me"))
    assert (r.status_code, r.json()["code"]) == (500, "internal_error")
    assert await pool.fetchval("SELECT count(*) FROM idempotency_keys") == 0
    monkeypatch.setattr(services, "create_staff_user", real)
    r = await client.post(USERS, json=body, headers=_headers(admin, "retry-me"))
    assert r.status_code == 201, r.text
    assert "idempotent-replayed" not in r.headers
    assert await _users_named(pool, body["email"]) == 1


def _request_hash(path: str, body: bytes) -> bytes:
    # The middleware's own hash, so the row below looks exactly like a real claim.
    return _digest(cast("HTTPScope", {"method": "POST", "path": path, "query_string": b""}), body)


async def _claim_row(
    pool: asyncpg.Pool, client: AsyncTestClient, admin: str, body: bytes, age: timedelta, now: Any
) -> None:
    me = (await client.get("/api/v1/me", headers=bearer(admin))).json()["user"]["id"]
    await pool.execute(
        "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)",
        f"user:{me}",
        "held",
        _request_hash(USERS, body),
        now - age,
    )


async def test_a_running_claim_is_409_and_a_dead_one_is_taken_over(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory, clock: FrozenClock
) -> None:
    admin = await staff("admin")
    content = b'{"email":"held@wuhan.gov.cn","password":"%s","name":"x","roles":["auditor"]}' % (
        PASSWORD.encode()
    )
    headers = _headers(admin, "held", **{"Content-Type": "application/json"})
    await _claim_row(pool, client, admin, content, timedelta(seconds=59), clock.now())
    r = await client.post(USERS, content=content, headers=headers)
    assert (r.status_code, r.json()["code"]) == (409, "idempotency_in_progress")
    assert r.headers["retry-after"] == "1"
    assert "仍在处理" in r.json()["detail"]
    assert await _users_named(pool, "held@wuhan.gov.cn") == 0

    clock.advance(timedelta(seconds=2))  # the holder is now 61 s old: presumed dead
    r = await client.post(USERS, content=content, headers=headers)
    assert r.status_code == 201, r.text
    assert await _users_named(pool, "held@wuhan.gov.cn") == 1
    row = await pool.fetchrow("SELECT created_at, status_code FROM idempotency_keys")
    assert (row["created_at"], row["status_code"]) == (clock.now(), 201)
    r = await client.post(USERS, content=content, headers=headers)
    assert r.headers["idempotent-replayed"] == "true"


@pytest.mark.parametrize("key", ["k" * 201, "", "clé", "tab\there", "bell\x7f"])
async def test_a_malformed_key_is_422(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory, key: str
) -> None:
    admin = await staff("admin")
    raw = [
        (b"Authorization", f"Bearer {admin}".encode()),
        (b"Idempotency-Key", key.encode("latin-1")),
    ]
    r = await client.post(USERS, json=_user(), headers=raw)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "invalid_input"
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    assert "可打印" in problem["detail"]  # the signed-in user's language
    # Anonymous, the Accept-Language header decides.
    raw = [(b"Accept-Language", b"en-GB,en"), (b"Idempotency-Key", key.encode("latin-1"))]
    r = await client.post("/api/v1/auth/token", json={}, headers=raw)
    assert r.status_code == 422
    assert "printable ASCII" in r.json()["errors"][0]["message"]
    assert await pool.fetchval("SELECT count(*) FROM idempotency_keys") == 0


async def test_a_200_character_key_is_fine(client: AsyncTestClient, staff: StaffFactory) -> None:
    admin = await staff("admin")
    r = await client.post(USERS, json=_user(), headers=_headers(admin, "k" * 200))
    assert r.status_code == 201, r.text


async def test_without_a_key_or_on_get_nothing_changes(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    admin = await staff("admin")
    body = _user()
    assert (await client.post(USERS, json=body, headers=_headers(admin))).status_code == 201
    r = await client.post(USERS, json=body, headers=_headers(admin))
    assert (r.status_code, r.json()["code"]) == (409, "email_exists")
    for _ in range(2):
        r = await client.get(USERS, headers=_headers(admin, "k" * 300))
        assert r.status_code == 200
        assert "idempotent-replayed" not in r.headers
    assert await pool.fetchval("SELECT count(*) FROM idempotency_keys") == 0


async def test_anonymous_callers_are_scoped_by_address(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    body = {"email": "nobody@example.cn", "password": "wrong password!"}
    first = await client.post("/api/v1/auth/token", json=body, headers={"Idempotency-Key": "a"})
    assert first.status_code == 401
    again = await client.post("/api/v1/auth/token", json=body, headers={"Idempotency-Key": "a"})
    assert (again.status_code, again.headers["idempotent-replayed"]) == (401, "true")
    assert await pool.fetchval("SELECT scope FROM idempotency_keys") == "addr:testclient"


async def test_purge_deletes_keys_older_than_a_day(pool: asyncpg.Pool, clock: FrozenClock) -> None:
    now = clock.now()
    for key, age in (("old", timedelta(hours=24, seconds=1)), ("new", timedelta(hours=23))):
        await pool.execute(
            "INSERT INTO idempotency_keys (scope, key, request_hash, created_at)"
            " VALUES ('user:x', $1, $2, $3)",
            key,
            bytes(32),
            now - age,
        )
    assert await purge_expired(pool, now) == 1
    assert await pool.fetchval("SELECT array_agg(key) FROM idempotency_keys") == ["new"]
