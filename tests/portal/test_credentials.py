"""Addresses and passwords: verification before submit, reset by e-mail, change, and the links
that carry them and invitations (used once, in time, unaltered, for their purpose and user only;
a refused link changes nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import PASSWORD, bearer, link_token, register, token
from tests.portal.conftest import StaffFactory, concurrently
from tests.portal.flows import create, filing_body, ok, submit

NEW_PASSWORD = "another long password"


async def mails(pool: asyncpg.Pool, topic: str) -> list[dict[str, Any]]:
    rows = await pool.fetch("SELECT payload FROM outbox WHERE topic = $1 ORDER BY id", topic)
    return [r["payload"] for r in rows]


async def reset(client: AsyncTestClient, email: str) -> Any:
    return await client.post("/api/v1/auth/password-reset", json={"email": email})


async def confirm(client: AsyncTestClient, t: str, password: str = NEW_PASSWORD) -> Any:
    return await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": t, "password": password}
    )


async def test_an_unverified_address_may_draft_but_not_submit(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org = await register(client, email="new@example.cn", verified=False)
    me = await ok(await client.get("/api/v1/me", headers=bearer(org["token"])))
    assert me["user"]["email_verified"] is False and me["user"]["org_role"] == "org_admin"
    [sent] = await mails(pool, "account.verify_email")
    assert (sent["to"], sent["link_path"], sent["language"]) == (
        "new@example.cn",
        "/verify-email",
        "zh",
    )
    draft = await create(client, org["token"], filing_body())
    r = await submit(client, org["token"], draft["id"])
    assert (r.status_code, r.json()["code"]) == (403, "email_not_verified")

    t = await link_token(client, "account.verify_email", "new@example.cn")
    assert (await client.post("/api/v1/auth/verify-email", json={"token": t})).status_code == 204
    assert (await ok(await submit(client, org["token"], draft["id"])))["status"] == "submitted"
    again = await client.post("/api/v1/auth/verify-email", json={"token": t})
    assert (again.status_code, again.json()["code"]) == (400, "token_invalid")
    events = await pool.fetchval(
        "SELECT count(*) FROM audit_events WHERE action = 'user.email_verified'"
    )
    assert events == 1


async def test_sending_the_verification_again_is_throttled(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org = await register(client, email="slow@example.cn", verified=False)
    url, me = "/api/v1/me/verification-email", bearer(org["token"])
    for _ in range(3):
        assert (await client.post(url, headers=me)).status_code == 202
    r = await client.post(url, headers=me)
    assert (r.status_code, r.json()["code"]) == (429, "too_many_requests")
    assert int(r.headers["Retry-After"]) > 0
    assert len(await mails(pool, "account.verify_email")) == 4  # registration's and three more
    assert (await client.post(url)).status_code == 401


async def test_a_password_reset_by_email(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    org = await register(client, email="forgot@example.cn")
    old = org["token"]
    # The answer is the same whether or not the address is known.
    for email in ("nobody@example.cn", "forgot@example.cn", "FORGOT@example.cn"):
        r = await reset(client, email)
        assert (r.status_code, r.json()) == (202, {"accepted": True})
    assert [m["to"] for m in await mails(pool, "account.password_reset")] == [
        "forgot@example.cn",
        "forgot@example.cn",
    ]
    stored = await pool.fetchval(
        "SELECT count(*) FROM account_links WHERE purpose = 'password_reset'"
    )
    assert (
        stored == 2
        and await pool.fetchval(
            "SELECT count(*) FROM account_links WHERE token_hash = sha256($1::text::bytea)",
            await link_token(client, "account.password_reset", "forgot@example.cn"),
        )
        == 1
    )  # kept hashed

    t = await link_token(client, "account.password_reset", "forgot@example.cn")
    r = await confirm(client, t, "short")
    assert (r.status_code, r.json()["code"]) == (422, "weak_password")
    assert (await confirm(client, t)).status_code == 204  # the refusal did not use the link
    assert (await client.get("/api/v1/me", headers=bearer(old))).status_code == 401
    r = await client.post(
        "/api/v1/auth/token", json={"email": "forgot@example.cn", "password": PASSWORD}
    )
    assert r.status_code == 401
    assert await token(client, "forgot@example.cn", NEW_PASSWORD)
    for bad in (t, t[:-1] + ("A" if t[-1] != "A" else "B"), "no-such-token", "x" * 200):
        r = await confirm(client, bad)
        assert (r.status_code, r.json()["code"]) == (400, "token_invalid"), bad


async def test_a_reset_link_holds_thirty_minutes_and_for_resets_only(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    await register(client, email="late@example.cn", verified=False)
    verify = await link_token(client, "account.verify_email", "late@example.cn")
    r = await confirm(client, verify)  # another purpose's link
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")
    await reset(client, "late@example.cn")
    t = await link_token(client, "account.password_reset", "late@example.cn")
    clock.advance(dt.timedelta(minutes=31))
    r = await confirm(client, t)
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")
    r = await client.post("/api/v1/auth/verify-email", json={"token": t})
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")


async def test_a_reset_lifts_the_sign_in_lock_and_verifies_the_address(
    client: AsyncTestClient,
) -> None:
    await register(client, email="locked@example.cn", verified=False)
    for _ in range(5):
        await client.post(
            "/api/v1/auth/token", json={"email": "locked@example.cn", "password": "wrong-password"}
        )
    r = await client.post(
        "/api/v1/auth/token", json={"email": "locked@example.cn", "password": PASSWORD}
    )
    assert r.status_code == 429
    await reset(client, "locked@example.cn")
    assert (
        await confirm(
            client, await link_token(client, "account.password_reset", "locked@example.cn")
        )
    ).status_code == 204
    me = await ok(
        await client.get(
            "/api/v1/me", headers=bearer(await token(client, "locked@example.cn", NEW_PASSWORD))
        )
    )
    assert me["user"]["email_verified"] is True


@pytest.mark.parametrize("rounds", range(3))
async def test_two_resets_at_once_then_both_links_used_one_works(
    client: AsyncTestClient, pool: asyncpg.Pool, rounds: int
) -> None:
    await register(client, email="twice@example.cn")
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": "/api/v1/auth/password-reset",
                "json": {"email": "twice@example.cn"},
            }
            for _ in range(2)
        ],
    )
    assert [r.status_code for r in responses] == [202, 202]
    tokens = [m["token"] for m in await mails(pool, "account.password_reset")]
    assert len(set(tokens)) == 2
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": "/api/v1/auth/password-reset/confirm",
                "json": {"token": t, "password": f"{NEW_PASSWORD} {i}"},
            }
            for i, t in enumerate(tokens)
        ],
    )
    assert sorted(r.status_code for r in responses) == [204, 400]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 204)
    assert await token(client, "twice@example.cn", f"{NEW_PASSWORD} {winner}")


async def test_reset_requests_are_throttled_per_address_and_quietly_per_account(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    await register(client, email="often@example.cn")
    for _ in range(5):
        assert (await reset(client, "often@example.cn")).status_code == 202
    assert len(await mails(pool, "account.password_reset")) == 3  # the account's ceiling
    for _ in range(5):
        assert (await reset(client, "someone@example.cn")).status_code == 202
    r = await reset(client, "often@example.cn")
    assert (r.status_code, r.json()["code"]) == (429, "too_many_requests")


async def test_a_password_change_keeps_this_sign_in_and_ends_the_others(
    client: AsyncTestClient,
) -> None:
    org = await register(client, email="change@example.cn")
    other = await token(client, "change@example.cn")
    url, me = "/api/v1/me/password", bearer(org["token"])
    r = await client.post(
        url, json={"current_password": "not it at all", "new_password": NEW_PASSWORD}, headers=me
    )
    assert (r.status_code, r.json()["code"]) == (403, "invalid_credentials")
    r = await client.post(
        url, json={"current_password": PASSWORD, "new_password": "short"}, headers=me
    )
    assert (r.status_code, r.json()["code"]) == (422, "weak_password")
    r = await client.post(
        url, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=me
    )
    assert r.status_code == 204
    assert (await client.get("/api/v1/me", headers=me)).status_code == 200
    assert (await client.get("/api/v1/me", headers=bearer(other))).status_code == 401
    assert await token(client, "change@example.cn", NEW_PASSWORD)


async def test_staff_reset_change_and_deactivation(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool
) -> None:
    admin = await staff("admin")
    rev = await staff("reviewer", email="rev-reset@wuhan.gov.cn")
    await reset(client, "rev-reset@wuhan.gov.cn")
    t = await link_token(client, "account.password_reset", "rev-reset@wuhan.gov.cn")
    assert (await confirm(client, t)).status_code == 204
    assert (await client.get("/api/v1/me", headers=bearer(rev))).status_code == 401
    rev = await token(client, "rev-reset@wuhan.gov.cn", NEW_PASSWORD)
    assert (await client.get("/api/v1/admin/applications", headers=bearer(rev))).status_code == 200

    user_id = await pool.fetchval("SELECT id FROM users WHERE email = 'rev-reset@wuhan.gov.cn'")
    url = f"/api/v1/admin/users/{user_id}/active"
    r = await client.put(url, json={"active": 0}, headers=bearer(admin))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    out = await ok(await client.put(url, json={"active": False}, headers=bearer(admin)))
    assert out["is_active"] is False
    assert (await client.get("/api/v1/admin/applications", headers=bearer(rev))).status_code == 401
    r = await client.post(
        "/api/v1/auth/token", json={"email": "rev-reset@wuhan.gov.cn", "password": NEW_PASSWORD}
    )
    assert r.status_code == 401
    me = (await ok(await client.get("/api/v1/me", headers=bearer(admin))))["user"]["id"]
    r = await client.put(
        f"/api/v1/admin/users/{me}/active", json={"active": False}, headers=bearer(admin)
    )
    assert (r.status_code, r.json()["code"]) == (409, "cannot_deactivate_self")
    assert (await ok(await client.put(url, json={"active": True}, headers=bearer(admin))))[
        "is_active"
    ]
    assert await token(client, "rev-reset@wuhan.gov.cn", NEW_PASSWORD)


def tampered(t: str) -> str:
    return t[:-1] + ("A" if t[-1] != "A" else "B")


async def can_sign_in(client: AsyncTestClient, email: str, password: str) -> bool:
    r = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    return r.status_code == 200


async def test_a_verification_link_holds_seven_days_and_not_once_altered(
    client: AsyncTestClient, clock: FrozenClock
) -> None:
    early = await register(client, email="early@example.cn", verified=False)
    late = await register(client, email="tardy@example.cn", verified=False)
    early_link = await link_token(client, "account.verify_email", "early@example.cn")
    late_link = await link_token(client, "account.verify_email", "tardy@example.cn")
    r = await client.post("/api/v1/auth/verify-email", json={"token": tampered(early_link)})
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")

    clock.advance(dt.timedelta(days=7) - dt.timedelta(minutes=1))
    assert (
        await client.post("/api/v1/auth/verify-email", json={"token": early_link})
    ).status_code == 204
    clock.advance(dt.timedelta(minutes=2))
    r = await client.post("/api/v1/auth/verify-email", json={"token": late_link})
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")
    for org, verified in ((early, True), (late, False)):
        me = await ok(await client.get("/api/v1/me", headers=bearer(org["token"])))
        assert me["user"]["email_verified"] is verified


async def test_a_reset_link_changes_only_its_own_users_password(
    client: AsyncTestClient,
) -> None:
    await register(client, email="owner@example.cn")
    await register(client, email="bystander@example.cn")
    await reset(client, "owner@example.cn")
    t = await link_token(client, "account.password_reset", "owner@example.cn")
    assert (await confirm(client, t)).status_code == 204
    assert await can_sign_in(client, "owner@example.cn", NEW_PASSWORD)
    assert await can_sign_in(client, "bystander@example.cn", PASSWORD)
    assert not await can_sign_in(client, "bystander@example.cn", NEW_PASSWORD)


async def test_a_refused_reset_link_changes_nothing(
    client: AsyncTestClient, clock: FrozenClock
) -> None:
    await register(client, email="replay@example.cn")
    await register(client, email="expired@example.cn")
    await reset(client, "replay@example.cn")
    used = await link_token(client, "account.password_reset", "replay@example.cn")
    assert (await confirm(client, used)).status_code == 204
    r = await confirm(client, used, "a replayed password here")
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")
    assert await can_sign_in(client, "replay@example.cn", NEW_PASSWORD)
    assert not await can_sign_in(client, "replay@example.cn", "a replayed password here")

    await reset(client, "expired@example.cn")
    late = await link_token(client, "account.password_reset", "expired@example.cn")
    clock.advance(dt.timedelta(minutes=31))
    r = await confirm(client, late)
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")
    assert await can_sign_in(client, "expired@example.cn", PASSWORD)
    assert not await can_sign_in(client, "expired@example.cn", NEW_PASSWORD)


async def test_an_altered_or_expired_invitation_makes_no_account(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    admin = (await register(client))["token"]
    for email in ("altered@example.cn", "expiring@example.cn"):
        r = await client.post(
            "/api/v1/org/invitations", json={"email": email}, headers=bearer(admin)
        )
        assert r.status_code == 201, r.text
    accept = "/api/v1/auth/invitations/accept"
    t = await link_token(client, "account.invitation", "altered@example.cn")
    r = await client.post(accept, json={"token": tampered(t), "name": "改", "password": PASSWORD})
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")
    assert await pool.fetchval("SELECT count(*) FROM users WHERE email = 'altered@example.cn'") == 0

    t = await link_token(client, "account.invitation", "expiring@example.cn")
    clock.advance(dt.timedelta(days=7, seconds=1))
    r = await client.post(accept, json={"token": t, "name": "迟", "password": PASSWORD})
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")
    assert (
        await pool.fetchval("SELECT count(*) FROM users WHERE email = 'expiring@example.cn'") == 0
    )
    assert not await can_sign_in(client, "expiring@example.cn", PASSWORD)
