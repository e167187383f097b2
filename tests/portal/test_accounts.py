"""Accounts through HTTP: registration, tokens, /me, logout, expiry, throttling, staff users."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.factories import PASSWORD, bearer, make_uscc, register, token
from tests.portal.conftest import StaffFactory, concurrently


def _body(uscc: str, email: str = "a@example.cn", **org: object) -> dict[str, object]:
    return {
        "org": {
            "name": "武汉智算科技有限公司",
            "uscc": uscc,
            "contact_name": "李四",
            "contact_phone": "13800000000",
            **org,
        },
        "user": {"email": email, "password": PASSWORD, "name": "李四"},
    }


async def test_register_returns_org_with_district(client: AsyncTestClient) -> None:
    uscc = make_uscc("420111")
    r = await client.post(
        "/api/v1/auth/register", json=_body(" " + uscc.lower()[:9] + " " + uscc[9:])
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["org"]["uscc"] == uscc
    assert body["org"]["district_code"] == "420111"
    assert body["user"]["email"] == "a@example.cn"
    assert set(body) == {"org", "user"}


async def test_register_refuses_bad_uscc_in_the_users_language(client: AsyncTestClient) -> None:
    uscc = make_uscc()
    bad = uscc[:17] + ("0" if uscc[17] != "0" else "1")
    r = await client.post("/api/v1/auth/register", json=_body(bad))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "invalid_uscc"
    assert problem["errors"] == [
        {"field": "org.uscc", "code": "invalid_uscc", "message": problem["errors"][0]["message"]}
    ]
    assert "校验位" in problem["errors"][0]["message"]  # Chinese by default
    r = await client.post(
        "/api/v1/auth/register", json=_body(bad), headers={"Accept-Language": "en-GB"}
    )
    assert "check character" in r.json()["errors"][0]["message"]


async def test_register_twice_is_409_and_writes_nothing(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    uscc = make_uscc()
    assert (await client.post("/api/v1/auth/register", json=_body(uscc))).status_code == 201
    r = await client.post("/api/v1/auth/register", json=_body(uscc, email="b@example.cn"))
    assert (r.status_code, r.json()["code"]) == (409, "org_exists")
    # Same e-mail, another organization: the org row must not stay behind.
    other = make_uscc()
    r = await client.post("/api/v1/auth/register", json=_body(other, email="A@Example.cn"))
    assert (r.status_code, r.json()["code"]) == (409, "email_exists")
    assert await pool.fetchval("SELECT count(*) FROM organizations") == 1
    assert await pool.fetchval("SELECT count(*) FROM users") == 1


async def test_malformed_input_is_422_never_500(client: AsyncTestClient) -> None:
    uscc = make_uscc()
    cases = [
        _body(uscc, extra="field"),  # unknown field
        {**_body(uscc), "surprise": 1},
        _body(uscc, name="a\x00b"),  # NUL cannot be stored
        _body(uscc, name="x" * 201),  # overlong
        _body(uscc, name=12),  # wrong type
        {"org": {}, "user": {}},
        [],
    ]
    for body in cases:
        r = await client.post("/api/v1/auth/register", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["code"] == "invalid_input"
        assert r.json()["errors"], r.text
    r = await client.post(
        "/api/v1/auth/register", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code in (400, 422) and r.json()["code"] in ("bad_request", "invalid_input")


async def test_weak_password_is_refused(client: AsyncTestClient) -> None:
    body = _body(make_uscc())
    body["user"]["password"] = "short"  # type: ignore[index]
    r = await client.post("/api/v1/auth/register", json=body)
    assert (r.status_code, r.json()["code"], r.json()["errors"][0]["field"]) == (
        422,
        "weak_password",
        "user.password",
    )


async def test_token_me_logout(client: AsyncTestClient, settings: Settings) -> None:
    org = await register(client, email="Boss@Example.cn")
    r = await client.post(
        "/api/v1/auth/token", json={"email": "boss@example.cn", "password": PASSWORD}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == settings.token_ttl_seconds
    me = await client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["user"]["email"] == "boss@example.cn"
    assert me.json()["user"]["roles"] == []
    assert me.json()["org"]["id"] == org["org"]["id"]
    assert me.json()["org"]["registered_in_wuhan"] is True

    assert (
        await client.post("/api/v1/auth/logout", headers=bearer(body["access_token"]))
    ).status_code == 204
    r = await client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert (r.status_code, r.json()["code"]) == (401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"


async def test_wrong_credentials_are_401(client: AsyncTestClient) -> None:
    await register(client, email="c@example.cn")
    for body in (
        {"email": "c@example.cn", "password": "wrong password!"},
        {"email": "nobody@example.cn", "password": PASSWORD},
    ):
        r = await client.post("/api/v1/auth/token", json=body)
        assert (r.status_code, r.json()["code"]) == (401, "invalid_credentials")


async def test_token_expires(
    client: AsyncTestClient, clock: FrozenClock, settings: Settings
) -> None:
    org = await register(client)
    headers = bearer(org["token"])
    clock.advance(timedelta(seconds=settings.token_ttl_seconds - 1))
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_no_or_bad_token_is_401(client: AsyncTestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        r = await client.get("/api/v1/me", headers=headers)
        assert (r.status_code, r.json()["code"]) == (401, "unauthorized")


async def test_account_throttle(client: AsyncTestClient, clock: FrozenClock) -> None:
    await register(client, email="t@example.cn")
    wrong = {"email": "t@example.cn", "password": "not the password"}
    for _ in range(5):
        assert (await client.post("/api/v1/auth/token", json=wrong)).status_code == 401
    r = await client.post(
        "/api/v1/auth/token", json={"email": "t@example.cn", "password": PASSWORD}
    )
    assert (r.status_code, r.json()["code"]) == (429, "too_many_attempts")
    assert 0 < int(r.headers["retry-after"]) <= 15 * 60
    clock.advance(timedelta(minutes=15, seconds=1))
    assert (
        await client.post(
            "/api/v1/auth/token", json={"email": "t@example.cn", "password": PASSWORD}
        )
    ).status_code == 200


async def test_wrong_passwords_sent_at_once_meet_the_account_limit(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    await register(client, email="burst@example.cn")
    wrong = {"email": "burst@example.cn", "password": "not the password"}
    answers = concurrently(
        client, [{"method": "POST", "url": "/api/v1/auth/token", "json": wrong}] * 12
    )
    assert sorted(r.status_code for r in answers) == [401] * 5 + [429] * 7
    right = {"email": "burst@example.cn", "password": PASSWORD}
    r = await client.post("/api/v1/auth/token", json=right)
    assert (r.status_code, r.json()["code"]) == (429, "too_many_attempts")


async def test_a_right_password_is_not_counted_against_the_limits(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    await register(client, email="often@example.cn")
    right = {"email": "often@example.cn", "password": PASSWORD}
    for _ in range(8):  # more sign-ins than the account's limit of failures
        assert (await client.post("/api/v1/auth/token", json=right)).status_code == 200
    assert (
        await pool.fetchval(
            "SELECT sum(hits) FROM throttles WHERE key LIKE 'account:%' OR key LIKE 'address:%'"
        )
        == 0
    )


async def test_address_throttle_ignores_spoofed_forwarded_for(client: AsyncTestClient) -> None:
    for i in range(20):
        headers = {"X-Forwarded-For": f"203.0.113.{i}"}  # not from a trusted proxy: ignored
        r = await client.post(
            "/api/v1/auth/token",
            json={"email": f"n{i}@example.cn", "password": "whatever1234"},
            headers=headers,
        )
        assert r.status_code == 401
    r = await client.post(
        "/api/v1/auth/token",
        json={"email": "fresh@example.cn", "password": "whatever1234"},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert r.status_code == 429


async def test_staff_user_creation_and_role_guards(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    admin = await staff("admin")
    body = {
        "email": "Rev@wuhan.gov.cn",
        "password": PASSWORD,
        "name": "审核员",
        "roles": ["reviewer"],
    }
    assert (await client.post("/api/v1/admin/users", json=body)).status_code == 401
    applicant = await register(client)
    for tok in [applicant["token"]] + [
        await staff(r) for r in ("reviewer", "approver", "finance", "auditor")
    ]:
        r = await client.post("/api/v1/admin/users", json=body, headers=bearer(tok))
        assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    r = await client.post("/api/v1/admin/users", json=body, headers=bearer(admin))
    assert r.status_code == 201 and set(r.json()) == {"id"}
    r = await client.post("/api/v1/admin/users", json=body, headers=bearer(admin))
    assert (r.status_code, r.json()["code"]) == (409, "email_exists")
    r = await client.post(
        "/api/v1/admin/users", json={**body, "roles": ["king"]}, headers=bearer(admin)
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    rev = await token(client, "rev@wuhan.gov.cn")
    me = (await client.get("/api/v1/me", headers=bearer(rev))).json()
    assert me["user"]["roles"] == ["reviewer"] and me["org"] is None


async def test_role_change_is_audited(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool
) -> None:
    admin = await staff("admin")
    created = await client.post(
        "/api/v1/admin/users",
        json={"email": "x@wuhan.gov.cn", "password": PASSWORD, "name": "X", "roles": ["reviewer"]},
        headers=bearer(admin),
    )
    uid = created.json()["id"]
    r = await client.put(
        f"/api/v1/admin/users/{uid}/roles",
        json={"roles": ["approver", "auditor"]},
        headers=bearer(admin),
    )
    assert r.status_code == 200 and r.json()["roles"] == ["approver", "auditor"]
    row = await pool.fetchrow(
        "SELECT data FROM audit_events WHERE action = 'user.roles_changed' AND entity_id = $1",
        uid,
    )
    assert row["data"] == {"from": ["reviewer"], "to": ["approver", "auditor"]}
    users = (await client.get("/api/v1/admin/users", headers=bearer(admin))).json()
    assert {u["email"] for u in users} >= {"x@wuhan.gov.cn"}
    r = await client.put(
        f"/api/v1/admin/users/{uuid4()}/roles", json={"roles": []}, headers=bearer(admin)
    )
    assert r.status_code == 404


async def test_every_account_event_is_audited(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool
) -> None:
    admin = await staff("admin")
    org = await register(client)
    await client.post("/api/v1/auth/logout", headers=bearer(org["token"]))
    await client.post(
        "/api/v1/admin/users",
        json={"email": "y@wuhan.gov.cn", "password": PASSWORD, "name": "Y", "roles": ["finance"]},
        headers=bearer(admin),
    )
    actions = [
        r["action"] for r in await pool.fetch("SELECT action FROM audit_events ORDER BY seq")
    ]
    assert actions == [
        "user.created",
        "token.issued",  # the admin fixture
        "org.registered",
        "user.email_verified",  # the factory follows the mailed link
        "token.issued",
        "token.revoked",
        "user.created",
    ]


async def test_registration_is_throttled_per_address(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    """An anonymous form: twenty an hour from one address, then 429 and nothing written."""
    for n in range(20):
        await register(client, verified=False, name=f"限流测试单位{n}")
    body = {
        "org": {
            "name": "第二十一家",
            "uscc": make_uscc(),
            "contact_name": "张三",
            "contact_phone": "027-8888 6666",
        },
        "user": {"email": "twenty-first@example.cn", "password": PASSWORD, "name": "张三"},
    }
    r = await client.post("/api/v1/auth/register", json=body)
    assert (r.status_code, r.json()["code"]) == (429, "too_many_requests")
    assert int(r.headers["retry-after"]) > 0
    assert await pool.fetchval("SELECT count(*) FROM organizations WHERE name = '第二十一家'") == 0
