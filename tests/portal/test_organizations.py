"""The organization's file and its people: profile and bank account (admins change them),
colleagues invited, accepted and removed, and the organization's history with the portal."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import PASSWORD, bearer, link_token, register, token
from tests.portal.conftest import StaffFactory, concurrently
from tests.portal.flows import (
    PAYEE,
    approved_claim,
    claim_body,
    create,
    filing_body,
    ok,
    recognized_filing,
    submit,
)

ORG = "/api/v1/org"


async def join(
    client: AsyncTestClient, admin: str, email: str, role: str = "member", name: str = "李四"
) -> str:
    """Invite `email`, accept as it; returns the new colleague's bearer token."""
    await ok(
        await client.post(
            f"{ORG}/invitations", json={"email": email, "role": role}, headers=bearer(admin)
        ),
        201,
    )
    t = await link_token(client, "account.invitation", email)
    r = await client.post(
        "/api/v1/auth/invitations/accept", json={"token": t, "name": name, "password": PASSWORD}
    )
    assert r.status_code == 201, r.text
    assert r.json()["user"]["email"] == email
    return await token(client, email)


async def test_the_profile_is_read_by_all_and_changed_by_its_admins(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org = await register(client, name="武汉档案科技有限公司")
    admin = org["token"]
    got = await ok(await client.get(ORG, headers=bearer(admin)))
    assert (got["name"], got["uscc"], got["address"], got["bank_account"]) == (
        "武汉档案科技有限公司",
        org["org"]["uscc"],
        "",
        None,
    )
    changed = await ok(
        await client.patch(
            ORG,
            json={"contact_name": "王五", "address": "武汉市洪山区光谷大道1号"},
            headers=bearer(admin),
        )
    )
    assert (changed["contact_name"], changed["contact_phone"], changed["address"]) == (
        "王五",
        "027-8888 6666",
        "武汉市洪山区光谷大道1号",
    )
    for body in ({"name": "别名"}, {"uscc": "x"}, {"contact_phone": "no phone"}):
        r = await client.patch(ORG, json=body, headers=bearer(admin))
        assert (r.status_code, r.json()["code"]) == (422, "invalid_input"), body
    audited = await pool.fetchval(
        "SELECT data FROM audit_events WHERE action = 'org.profile_changed'"
    )
    assert audited["changes"] == {
        "contact_name": ["张三", "王五"],
        "address": ["", "武汉市洪山区光谷大道1号"],
    }

    member = await join(client, admin, "member@example.cn")
    assert (await ok(await client.get(ORG, headers=bearer(member))))["contact_name"] == "王五"
    for method, url, body in (
        ("PATCH", ORG, {"contact_name": "赵六"}),
        ("PUT", f"{ORG}/bank-account", PAYEE),
        ("POST", f"{ORG}/invitations", {"email": "x@example.cn"}),
    ):
        r = await client.request(method, url, json=body, headers=bearer(member))
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), url
    assert (await client.get(ORG)).status_code == 401


async def test_the_bank_account_on_file_is_copied_into_a_claim_at_submit(
    client: AsyncTestClient, staff: StaffFactory, clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    org = await register(client)
    a, rev, appr = org["token"], await staff("reviewer"), await staff("approver")
    on_file = {"account_name": "武汉测试单位", "bank": "汉口银行", "account_no": "6217000011112222"}
    got = await ok(await client.put(f"{ORG}/bank-account", json=on_file, headers=bearer(a)))
    assert got["bank_account"] == on_file
    r = await client.put(
        f"{ORG}/bank-account", json=on_file | {"account_no": "12-34"}, headers=bearer(a)
    )
    assert r.status_code == 422
    filing = await recognized_filing(client, a, rev, appr)
    clock.set_date(dt.date(2026, 5, 20))
    body = claim_body(filing["id"])
    del body["payee"]
    claim = await create(client, a, body)
    assert "payee" not in claim["payload"]
    submitted = await ok(await submit(client, a, claim["id"]))
    assert submitted["payload"]["payee"] == on_file
    await ok(
        await client.put(
            f"{ORG}/bank-account", json=on_file | {"account_no": "999999999999"}, headers=bearer(a)
        )
    )
    seen = await ok(await client.get(f"/api/v1/applications/{claim['id']}", headers=bearer(a)))
    assert seen["payload"]["payee"] == on_file
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM audit_events WHERE action = 'org.bank_account_set'"
        )
        == 2
    )


async def test_a_colleague_joins_by_invitation_and_works_on_every_application(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    org = await register(client)
    admin = org["token"]
    mine = await create(client, admin, filing_body())
    r = await client.post(
        f"{ORG}/invitations", json={"email": "Colleague@Example.cn"}, headers=bearer(admin)
    )
    invited = await ok(r, 201)
    assert invited["email"] == "colleague@example.cn" and invited["role"] == "member"
    assert dt.datetime.fromisoformat(invited["expires_at"]) == clock.now() + dt.timedelta(days=7)
    [mail] = [
        r["payload"]
        for r in await pool.fetch("SELECT payload FROM outbox WHERE topic = 'account.invitation'")
    ]
    assert (mail["organization"], mail["inviter"], mail["link_path"]) == (
        "测试单位",
        "张三",
        "/invitations/accept",
    )
    listed = await ok(await client.get(f"{ORG}/invitations", headers=bearer(admin)))
    assert [i["email"] for i in listed["items"]] == ["colleague@example.cn"]

    t = await link_token(client, "account.invitation", "colleague@example.cn")
    r = await client.post(
        "/api/v1/auth/invitations/accept", json={"token": t, "name": "李四", "password": "short"}
    )
    assert (r.status_code, r.json()["code"]) == (422, "weak_password")
    r = await client.post(
        "/api/v1/auth/invitations/accept", json={"token": t, "name": "李四", "password": PASSWORD}
    )
    assert r.status_code == 201
    again = await client.post(
        "/api/v1/auth/invitations/accept", json={"token": t, "name": "李四", "password": PASSWORD}
    )
    assert (again.status_code, again.json()["code"]) == (400, "token_invalid")
    member = await token(client, "colleague@example.cn")
    me = await ok(await client.get("/api/v1/me", headers=bearer(member)))
    assert (me["user"]["org_role"], me["user"]["email_verified"]) == ("member", True)
    assert (await ok(await client.get(ORG + "/invitations", headers=bearer(admin))))["items"] == []

    # The member sees and submits the organization's applications, the admin's included.
    listed = await ok(await client.get("/api/v1/applications", headers=bearer(member)))
    assert [x["id"] for x in listed["items"]] == [mine["id"]]
    assert (await ok(await submit(client, member, mine["id"])))["status"] == "submitted"
    people = await ok(await client.get(f"{ORG}/members", headers=bearer(member)))
    assert [(m["email"], m["role"], m["verified"]) for m in people["items"]] == [
        (org["user"]["email"], "org_admin", True),
        ("colleague@example.cn", "member", True),
    ]
    r = await client.post(
        f"{ORG}/invitations", json={"email": "colleague@example.cn"}, headers=bearer(admin)
    )
    assert (r.status_code, r.json()["code"]) == (409, "email_exists")


async def test_an_invitation_expires_in_seven_days_and_a_new_one_replaces_it(
    client: AsyncTestClient, clock: FrozenClock
) -> None:
    admin = (await register(client))["token"]
    for _ in range(2):
        await client.post(
            f"{ORG}/invitations", json={"email": "late@example.cn"}, headers=bearer(admin)
        )
    t = await link_token(client, "account.invitation", "late@example.cn")
    clock.advance(dt.timedelta(days=7, seconds=1))
    r = await client.post(
        "/api/v1/auth/invitations/accept", json={"token": t, "name": "迟到", "password": PASSWORD}
    )
    assert (r.status_code, r.json()["code"]) == (400, "token_invalid")


async def test_a_removed_member_stops_at_once_even_from_the_callers_cache(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org = await register(client)
    admin = org["token"]
    member = await join(client, admin, "leaving@example.cn")
    # A draft fills this process's cache of callers with the member's token.
    await create(client, member, filing_body())
    user_id = await pool.fetchval("SELECT id FROM users WHERE email = 'leaving@example.cn'")
    r = await client.delete(f"{ORG}/members/{user_id}", headers=bearer(member))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert (
        await client.delete(f"{ORG}/members/{user_id}", headers=bearer(admin))
    ).status_code == 204
    r = await client.post("/api/v1/applications", json=filing_body(), headers=bearer(member))
    assert r.status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer(member))).status_code == 401
    assert await pool.fetchval("SELECT count(*) FROM applications") == 1  # nothing written
    r = await client.delete(f"{ORG}/members/{user_id}", headers=bearer(admin))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    # The last admin stays; another organization's admin finds no such member.
    own_id = await pool.fetchval("SELECT id FROM users WHERE email = $1", org["user"]["email"])
    r = await client.delete(f"{ORG}/members/{own_id}", headers=bearer(admin))
    assert (r.status_code, r.json()["code"]) == (409, "last_org_admin")
    stranger = (await register(client))["token"]
    r = await client.delete(f"{ORG}/members/{own_id}", headers=bearer(stranger))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    # A removed member may be invited back.
    back = await join(client, admin, "leaving@example.cn", name="回来")
    assert (await ok(await client.get("/api/v1/me", headers=bearer(back))))["user"][
        "name"
    ] == "回来"


async def test_an_admin_makes_a_member_admin_and_back_and_the_last_admin_stays(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org = await register(client)
    admin = org["token"]
    member = await join(client, admin, "rising@example.cn")
    await create(client, member, filing_body())  # the member's token is now a cached caller
    member_id = await pool.fetchval("SELECT id FROM users WHERE email = 'rising@example.cn'")
    admin_id = await pool.fetchval("SELECT id FROM users WHERE email = $1", org["user"]["email"])
    contact = {"contact_name": "新联系人"}
    assert (await client.patch(ORG, json=contact, headers=bearer(member))).status_code == 403

    made = await ok(
        await client.patch(
            f"{ORG}/members/{member_id}", json={"role": "org_admin"}, headers=bearer(admin)
        )
    )
    assert (made["email"], made["role"]) == ("rising@example.cn", "org_admin")
    assert (await client.patch(ORG, json=contact, headers=bearer(member))).status_code == 200
    # Now two admins: the first may step down, and then the other is the last one.
    r = await client.patch(
        f"{ORG}/members/{admin_id}", json={"role": "member"}, headers=bearer(member)
    )
    assert (await ok(r))["role"] == "member"
    assert (await client.patch(ORG, json=contact, headers=bearer(admin))).status_code == 403
    r = await client.patch(
        f"{ORG}/members/{member_id}", json={"role": "member"}, headers=bearer(member)
    )
    assert (r.status_code, r.json()["code"]) == (409, "last_org_admin")
    r = await client.patch(
        f"{ORG}/members/{member_id}", json={"role": "owner"}, headers=bearer(member)
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    stranger = (await register(client))["token"]
    r = await client.patch(
        f"{ORG}/members/{member_id}", json={"role": "member"}, headers=bearer(stranger)
    )
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    changes = await pool.fetch(
        "SELECT actor, data->>'email' AS email, data->>'role' AS role FROM audit_events"
        " WHERE action = 'org.member_role_changed' ORDER BY seq"
    )
    assert [(c["email"], c["role"]) for c in changes] == [
        ("rising@example.cn", "org_admin"),
        (org["user"]["email"], "member"),
    ]
    assert await pool.fetchval(
        "SELECT array_agg(action ORDER BY action) FROM audit_events"
        " WHERE action IN ('org.member_invited', 'org.member_joined')"
    ) == ["org.member_invited", "org.member_joined"]


async def test_blank_contact_details_are_refused_saying_what_to_fix(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org = await register(client)
    for body, field, words in (
        ({"contact_name": "   "}, "contact_name", "不能为空"),
        ({"contact_phone": "     "}, "contact_phone", "应为电话号码"),
    ):
        r = await client.patch(ORG, json=body, headers=bearer(org["token"]))
        assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
        [error] = r.json()["errors"]
        assert error["field"] == field and error["message"].startswith(words), error
    r = await client.put(
        f"{ORG}/bank-account",
        json={"account_name": " ", "bank": "招商银行", "account_no": "6225880212345678"},
        headers=bearer(org["token"]),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "account_name"
    row = await pool.fetchrow("SELECT contact_name, contact_phone FROM organizations")
    assert (row["contact_name"], row["contact_phone"]) == ("张三", "027-8888 6666")


@pytest.mark.parametrize("rounds", range(3))
async def test_two_admins_removing_each_other_leave_one(
    client: AsyncTestClient, pool: asyncpg.Pool, rounds: int
) -> None:
    org = await register(client)
    first = org["token"]
    second = await join(client, first, f"second{rounds}@example.cn", role="org_admin")
    ids = {
        r["email"]: r["id"]
        for r in await pool.fetch("SELECT id, email FROM users WHERE org_id = $1", org["org"]["id"])
    }
    first_id, second_id = ids[org["user"]["email"]], ids[f"second{rounds}@example.cn"]
    responses = concurrently(
        client,
        [
            {"method": "DELETE", "url": f"{ORG}/members/{second_id}", "headers": bearer(first)},
            {"method": "DELETE", "url": f"{ORG}/members/{first_id}", "headers": bearer(second)},
        ],
    )
    codes = sorted(r.status_code for r in responses)
    assert codes in ([204, 401], [204, 409])  # the loser was removed first, or found itself last
    admins = await pool.fetchval(
        "SELECT count(*) FROM users WHERE org_id = $1 AND org_role = 'org_admin' AND is_active",
        org["org"]["id"],
    )
    assert admins == 1


async def test_the_history_counts_applications_and_money(
    client: AsyncTestClient, staff: StaffFactory, clock: FrozenClock
) -> None:
    org = await register(client)
    a, rev, appr, admin = (
        org["token"],
        await staff("reviewer"),
        await staff("approver"),
        await staff("admin"),
    )
    await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "5000000.00"},
        headers=bearer(admin),
    )
    filing = await recognized_filing(client, a, rev, appr)
    await approved_claim(client, clock, a, rev, appr, filing["id"])
    await create(client, a, filing_body(title="另一场活动"))
    got = await ok(await client.get(f"{ORG}/history", headers=bearer(a)))
    assert [(c["program_code"], c["status"], c["count"]) for c in got["applications"]] == [
        ("event-support", "approved", 1),
        ("event-support", "draft", 1),
        ("event-support", "recognized", 1),
    ]
    assert (got["awarded"], got["paid"], got["repaid"]) == ("1700000.00", "0.00", "0.00")


async def test_staff_see_an_organizations_people(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    org = await register(client)
    await join(client, org["token"], "seen@example.cn")
    for role in ("reviewer", "auditor"):
        got = await ok(
            await client.get(
                f"/api/v1/admin/organizations/{org['org']['id']}/members",
                headers=bearer(await staff(role)),
            )
        )
        assert [m["email"] for m in got["items"]] == [org["user"]["email"], "seen@example.cn"]
    r = await client.get(
        f"/api/v1/admin/organizations/{org['org']['id']}/members", headers=bearer(org["token"])
    )
    assert r.status_code == 403
    r = await client.get(
        "/api/v1/admin/organizations/0190a4a5-0000-7000-8000-000000000000/members",
        headers=bearer(await staff("reviewer")),
    )
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
