"""Cached callers (portal.auth.callers), on the draft's POST and the staff work queue: a revoked,
expired or deactivated token, or a caller who left their organization or lost their roles, stops
working at once although the process still holds the caller, and nothing is half-written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
from litestar.testing import AsyncTestClient

from domain.accounts import Role
from domain.clock import FrozenClock
from portal.auth.callers import CallerCache
from portal.auth.principal import Principal
from sql.settings import Settings
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory, concurrently
from tests.portal.flows import filing_body

URL = "/api/v1/applications"


async def _written(pool: asyncpg.Pool, org_id: str) -> tuple[int, int, int]:
    """The org's applications, their outbox rows and their audit events."""
    row = await pool.fetchrow(
        """SELECT (SELECT count(*) FROM applications WHERE org_id = $1) AS apps,
                  (SELECT count(*) FROM outbox WHERE payload->>'org_id' = $1::text) AS events,
                  (SELECT count(*) FROM audit_events e JOIN applications a
                     ON e.entity_type = 'application' AND e.entity_id = a.id::text
                   WHERE a.org_id = $1) AS audits""",
        org_id,
    )
    return row["apps"], row["events"], row["audits"]


async def _signed_in_and_cached(client: AsyncTestClient) -> tuple[dict[str, Any], dict[str, str]]:
    """An applicant whose two drafts went through: the second on the cached caller."""
    org = await register(client)
    headers = bearer(org["token"])
    for _ in range(2):
        r = await client.post(URL, json=filing_body(), headers=headers)
        assert r.status_code == 201, r.text
    return org, headers


def _refused(r: Any) -> None:
    assert (r.status_code, r.json()["code"]) == (401, "unauthorized"), r.text
    assert r.headers["www-authenticate"] == "Bearer"


async def test_a_revoked_token_writes_nothing(client: AsyncTestClient, pool: asyncpg.Pool) -> None:
    org, headers = await _signed_in_and_cached(client)
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    _refused(await client.post(URL, json=filing_body(), headers=headers))
    assert await _written(pool, org["org"]["id"]) == (2, 2, 2)


async def test_a_revoked_token_is_refused_before_its_errors(client: AsyncTestClient) -> None:
    """An answer the write did not vouch for (here: a 422) waits for a read of the token."""
    _, headers = await _signed_in_and_cached(client)
    bad = filing_body(expected_attendance=-1)
    r = await client.post(URL, json=bad, headers=headers)
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    _refused(await client.post(URL, json=bad, headers=headers))
    _refused(await client.post(URL, json={"type": "no such type"}, headers=headers))


async def test_a_deactivated_user_writes_nothing(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org, headers = await _signed_in_and_cached(client)
    await pool.execute("UPDATE users SET is_active = false WHERE org_id = $1", org["org"]["id"])
    _refused(await client.post(URL, json=filing_body(), headers=headers))
    assert await _written(pool, org["org"]["id"]) == (2, 2, 2)


async def test_a_caller_no_longer_of_an_organization_is_refused_with_403(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    """The token still holds, but the route's guard (org members only) no longer passes on the
    caller as stored now: the answer, whatever it was, becomes the guard's 403."""
    org, headers = await _signed_in_and_cached(client)
    await pool.execute(
        "UPDATE users SET org_id = NULL, org_role = NULL WHERE org_id = $1", org["org"]["id"]
    )
    for body in (filing_body(), filing_body(expected_attendance=-1)):
        r = await client.post(URL, json=body, headers=headers)
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), r.text
    assert await _written(pool, org["org"]["id"]) == (2, 2, 2)


async def test_an_expired_token_writes_nothing(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock, settings: Settings
) -> None:
    org, headers = await _signed_in_and_cached(client)
    clock.advance(timedelta(seconds=settings.token_ttl_seconds))
    _refused(await client.post(URL, json=filing_body(), headers=headers))
    assert await _written(pool, org["org"]["id"]) == (2, 2, 2)


async def test_with_an_idempotency_key_the_token_is_read(client: AsyncTestClient) -> None:
    _, headers = await _signed_in_and_cached(client)
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    r = await client.post(
        URL, json=filing_body(), headers={**headers, "Idempotency-Key": str(uuid4())}
    )
    _refused(r)


async def test_drafts_racing_a_logout_are_whole_or_absent(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org, headers = await _signed_in_and_cached(client)
    post = {"method": "POST", "url": URL, "json": filing_body(), "headers": headers}
    logout = {"method": "POST", "url": "/api/v1/auth/logout", "headers": headers}
    responses = concurrently(client, [post] * 12 + [logout] + [post] * 12)
    created = [r for r in responses if r.status_code == 201]
    assert {r.status_code for r in responses} <= {201, 204, 401}
    assert responses[12].status_code == 204
    assert await _written(pool, org["org"]["id"]) == (2 + len(created),) * 3
    _refused(await client.post(URL, json=filing_body(), headers=headers))


QUEUE = "/api/v1/admin/applications?status=draft"


async def _reviewer_cached(client: AsyncTestClient, staff: StaffFactory) -> dict[str, str]:
    """A reviewer who has read a queue of one draft twice: the second time as a cached caller."""
    org = await register(client)
    r = await client.post(URL, json=filing_body(), headers=bearer(org["token"]))
    assert r.status_code == 201, r.text
    headers = bearer(await staff("reviewer"))
    for _ in range(2):
        r = await client.get(QUEUE, headers=headers)
        assert r.status_code == 200, r.text
        assert len(r.json()["items"]) == 1
    return headers


async def test_a_revoked_staff_token_reads_no_queue(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    """The page's statement finds the token revoked and returns no row; the empty page is not
    vouched for, so the token is read again before it goes out."""
    headers = await _reviewer_cached(client, staff)
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    _refused(await client.get(QUEUE, headers=headers))
    _refused(await client.get(QUEUE + "&cursor=not-a-cursor", headers=headers))  # before its 422


async def test_a_deactivated_reviewer_reads_no_queue(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    headers = await _reviewer_cached(client, staff)
    await pool.execute("UPDATE users SET is_active = false WHERE org_id IS NULL")
    _refused(await client.get(QUEUE, headers=headers))


async def test_a_reviewer_without_roles_any_more_is_refused_with_403(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    headers = await _reviewer_cached(client, staff)
    await pool.execute("DELETE FROM user_roles")
    r = await client.get(QUEUE, headers=headers)
    assert (r.status_code, r.json()["code"]) == (403, "forbidden"), r.text


async def test_an_empty_queue_reads_the_token_and_is_answered(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    headers = await _reviewer_cached(client, staff)
    r = await client.get("/api/v1/admin/applications?status=submitted", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["items"] == []


def _principal(name: str = "张三") -> Principal:
    return Principal(uuid4(), "a@example.cn", name, uuid4(), frozenset({Role.ADMIN}), "zh")


def test_the_cache_keeps_a_caller_no_longer_than_its_token_or_a_minute() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    cache = CallerCache(ttl=timedelta(seconds=60))
    cache.put(b"short", _principal(), now + timedelta(seconds=5), now)
    cache.put(b"long", _principal(), now + timedelta(days=1), now)
    assert cache.get(b"short", now + timedelta(seconds=4)) is not None
    assert cache.get(b"short", now + timedelta(seconds=5)) is None
    assert cache.get(b"long", now + timedelta(seconds=59)) is not None
    assert cache.get(b"long", now + timedelta(seconds=60)) is None
    assert len(cache) == 0


def test_the_cache_is_bounded_and_drops_its_oldest() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    cache = CallerCache(size=3)
    for digest in (b"a", b"b", b"c", b"d"):
        cache.put(digest, _principal(), now + timedelta(hours=1), now)
    assert len(cache) == 3
    assert cache.get(b"a", now) is None and cache.get(b"d", now) is not None
    cache.evict(b"d")
    assert cache.get(b"d", now) is None
