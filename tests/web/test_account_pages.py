"""The account's pages: the forms an e-mailed link opens (reset, verification, invitation), the
password change, the organization's page with its people and history, browser sessions ended by a
reset, a change or a removal, and staff's view of an organization."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import PASSWORD, bearer, link_token, register, token
from tests.portal.flows import ok
from tests.portal.test_payments import confirmed
from tests.web.test_console_pages import make_staff, post_form, sign_in, sign_in_applicant
from tests.web.test_public_pages import csrf

NEW = "another long password"


async def test_a_forgotten_password_reset_through_the_pages(client: AsyncTestClient) -> None:
    await register(client, email="pages@example.cn")
    form = await client.get("/login")
    assert 'href="/password-reset"' in form.text
    page = await client.get("/password-reset")
    r = await post_form(client, "/password-reset", csrf(page.text), {"email": "pages@example.cn"})
    assert r.status_code == 200 and 'id="done"' in r.text and "30" in r.text
    t = await link_token(client, "account.password_reset", "pages@example.cn")
    page = await client.get(f"/password-reset/confirm?token={t}")
    assert f'name="token" value="{t}"' in page.text
    r = await post_form(
        client, "/password-reset/confirm", csrf(page.text), {"token": t, "password": "short"}
    )
    assert r.status_code == 422 and 'id="err-password"' in r.text
    r = await post_form(
        client, "/password-reset/confirm", csrf(page.text), {"token": t, "password": NEW}
    )
    assert r.status_code == 200 and "密码已重设" in r.text
    r = await post_form(
        client, "/password-reset/confirm", csrf(page.text), {"token": t, "password": NEW}
    )
    assert r.status_code == 400 and "该链接无效" in r.text
    assert await token(client, "pages@example.cn", NEW)


async def test_the_address_verified_from_its_link_and_the_banner_until_then(
    client: AsyncTestClient,
) -> None:
    await register(client, email="banner@example.cn", verified=False)
    await sign_in_applicant(client, "banner@example.cn")
    app = await client.get("/app")
    assert 'id="verify-banner"' in app.text
    r = await post_form(client, "/app/verification-email", csrf(app.text), {})
    assert r.status_code == 303
    assert "验证邮件已重新发送" in (await client.get(r.headers["location"])).text
    t = await link_token(client, "account.verify_email", "banner@example.cn")
    page = await client.get(f"/verify-email?token={t}")
    assert "确认验证" in page.text  # a button: opening the link alone uses nothing
    r = await post_form(client, "/verify-email", csrf(page.text), {"token": t})
    assert r.status_code == 200 and "电子邮箱已验证" in r.text
    assert 'id="verify-banner"' not in (await client.get("/app")).text


async def test_an_invitation_accepted_and_the_organizations_page(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org = await register(client, email="boss@example.cn", name="武汉页面科技有限公司")
    await sign_in_applicant(client, "boss@example.cn")
    page = await client.get("/app/organization")
    assert page.status_code == 200 and 'id="form-contact"' in page.text
    token_ = csrf(page.text)
    r = await post_form(
        client,
        "/app/organization/contact",
        token_,
        {"contact_name": "赵六", "contact_phone": "bad phone", "address": "光谷"},
    )
    assert r.status_code == 422 and 'id="err-contact-contact_phone"' in r.text
    r = await post_form(
        client,
        "/app/organization/bank-account",
        token_,
        {
            "account_name": "武汉页面科技有限公司",
            "bank": "汉口银行",
            "account_no": "6217000099990000",
        },
    )
    assert r.status_code == 303
    r = await post_form(
        client,
        "/app/organization/invitations",
        token_,
        {"email": "mate@example.cn", "role": "member"},
    )
    assert r.status_code == 303
    page = (await client.get(r.headers["location"])).text
    assert "邀请已发送" in page and "mate@example.cn" in page and "6217000099990000" in page

    client.cookies.clear()
    t = await link_token(client, "account.invitation", "mate@example.cn")
    form = await client.get(f"/invitations/accept?token={t}")
    r = await post_form(
        client,
        "/invitations/accept",
        csrf(form.text),
        {"token": t, "name": "同事", "password": PASSWORD},
    )
    assert r.status_code == 200 and "账号已创建" in r.text
    await sign_in_applicant(client, "mate@example.cn")
    page = (await client.get("/app/organization")).text
    assert 'id="form-contact"' not in page and "同事" in page and "6217000099990000" in page
    r = await post_form(
        client, "/app/organization/invitations", csrf(page), {"email": "x@example.cn"}
    )
    assert r.status_code == 403

    await sign_in_applicant(client, "boss@example.cn")
    page = (await client.get("/app/organization")).text
    mate = await pool.fetchval("SELECT id FROM users WHERE email = 'mate@example.cn'")
    assert "设为管理员" in page
    r = await post_form(
        client, f"/app/organization/members/{mate}/role", csrf(page), {"role": "org_admin"}
    )
    page = (await client.get(r.headers["location"])).text
    assert r.status_code == 303 and "成员角色已更改" in page and "设为普通成员" in page
    role = await pool.fetchval("SELECT org_role FROM users WHERE id = $1", mate)
    assert role == "org_admin"
    r = await post_form(client, f"/app/organization/members/{mate}/remove", csrf(page), {})
    assert r.status_code == 303 and "成员已移除" in (await client.get(r.headers["location"])).text
    assert org["org"]["id"]


async def test_a_password_changed_on_its_page_keeps_this_session(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    email = await make_staff(pool, clock, "reviewer")
    other = await token(client, email)
    session_csrf = await sign_in(client, email)
    page = await client.get("/account/password")
    r = await post_form(
        client,
        "/account/password",
        csrf(page.text),
        {"current_password": "wrong one!", "new_password": NEW},
    )
    assert r.status_code == 403 and "当前密码不正确" in r.text
    r = await post_form(
        client,
        "/account/password",
        csrf(page.text),
        {"current_password": PASSWORD, "new_password": NEW},
    )
    assert r.status_code == 200 and "密码已修改" in r.text
    assert (await client.get("/console")).status_code == 200  # this session stays
    assert (await client.get("/api/v1/me", headers=bearer(other))).status_code == 401
    assert session_csrf


async def test_staff_read_an_organizations_file_and_people(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    org = await register(client, email="filed@example.cn", name="武汉档案页科技有限公司")
    await sign_in(client, await make_staff(pool, clock, "auditor"))
    page = await client.get(f"/console/organizations/{org['org']['id']}")
    assert page.status_code == 200 and "filed@example.cn" in page.text
    assert re.search(r"单位管理员", page.text)


async def test_an_admin_deactivates_a_staff_account_from_the_console(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    leaving = await make_staff(pool, clock, "finance")
    theirs = await token(client, leaving)
    await sign_in(client, await make_staff(pool, clock, "admin"))
    page = (await client.get("/console/users")).text
    user_id = await pool.fetchval("SELECT id FROM users WHERE email = $1", leaving)
    assert f'id="active-{user_id}"' in page
    r = await post_form(client, f"/console/users/{user_id}/active", csrf(page), {"active": "false"})
    assert r.status_code == 303
    assert "账号已停用" in (await client.get(r.headers["location"])).text
    assert (await client.get("/api/v1/me", headers=bearer(theirs))).status_code == 401


async def browser(client: AsyncTestClient, email: str) -> str:
    """Sign in through the login page as a new browser would; returns its session cookie."""
    client.cookies.delete("portal_session")
    token_ = csrf((await client.get("/login")).text)
    r = await client.post(
        "/login",
        data={"_csrf_token": token_, "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code in (302, 303), r.text
    secret = str(r.cookies["portal_session"])
    use_session(client, secret)
    return secret


def use_session(client: AsyncTestClient, secret: str) -> None:
    client.cookies.delete("portal_session")
    client.cookies.set("portal_session", secret)


async def sent_to_sign_in(client: AsyncTestClient, secret: str) -> bool:
    """Whether the browser holding this session is sent to sign in on its next page."""
    use_session(client, secret)
    r = await client.get("/app", follow_redirects=False)
    return r.status_code in (302, 303) and r.headers["location"].startswith("/login")


async def test_a_password_reset_ends_the_users_browser_sessions(client: AsyncTestClient) -> None:
    await register(client, email="reset-web@example.cn")
    signed_in = await browser(client, "reset-web@example.cn")
    assert not await sent_to_sign_in(client, signed_in)
    await client.post("/api/v1/auth/password-reset", json={"email": "reset-web@example.cn"})
    t = await link_token(client, "account.password_reset", "reset-web@example.cn")
    r = await client.post("/api/v1/auth/password-reset/confirm", json={"token": t, "password": NEW})
    assert r.status_code == 204
    assert await sent_to_sign_in(client, signed_in)


async def test_a_password_change_ends_the_other_browser_sessions_only(
    client: AsyncTestClient,
) -> None:
    await register(client, email="two-browsers@example.cn")
    elsewhere = await browser(client, "two-browsers@example.cn")
    here = await browser(client, "two-browsers@example.cn")
    assert here != elsewhere
    page = await client.get("/account/password")
    r = await post_form(
        client,
        "/account/password",
        csrf(page.text),
        {"current_password": PASSWORD, "new_password": NEW},
    )
    assert r.status_code == 200 and "密码已修改" in r.text
    assert await sent_to_sign_in(client, elsewhere)
    assert not await sent_to_sign_in(client, here)


async def test_a_removed_member_is_signed_out_of_the_browser(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    org = await register(client, email="head@example.cn")
    r = await client.post(
        "/api/v1/org/invitations",
        json={"email": "gone@example.cn", "role": "member"},
        headers=bearer(org["token"]),
    )
    assert r.status_code == 201, r.text
    t = await link_token(client, "account.invitation", "gone@example.cn")
    r = await client.post(
        "/api/v1/auth/invitations/accept", json={"token": t, "name": "离职", "password": PASSWORD}
    )
    assert r.status_code == 201, r.text
    signed_in = await browser(client, "gone@example.cn")
    assert not await sent_to_sign_in(client, signed_in)
    member = await pool.fetchval("SELECT id FROM users WHERE email = 'gone@example.cn'")
    r = await client.delete(f"/api/v1/org/members/{member}", headers=bearer(org["token"]))
    assert r.status_code == 204, r.text
    assert await sent_to_sign_in(client, signed_in)


async def test_the_organizations_history_counts_the_money_paid(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    org = await register(client, email="paid-firm@example.cn", name="武汉拨付科技有限公司")
    team: dict[str, Any] = {"applicant": org["token"]}
    for role in ("reviewer", "approver", "finance", "admin"):
        team[role] = await token(client, await make_staff(pool, clock, role))
    [claim] = await confirmed(client, clock, team, pool, 1)
    await ok(
        await client.post(
            f"/api/v1/admin/applications/{claim['id']}/disbursements",
            json={"paid_on": clock.today().isoformat(), "amount": "1700000.00", "reference": "P"},
            headers=bearer(team["finance"]),
        ),
        201,
    )
    got = await ok(await client.get("/api/v1/org/history", headers=bearer(org["token"])))
    assert (got["awarded"], got["paid"], got["repaid"]) == ("1700000.00", "1700000.00", "0.00")

    await sign_in_applicant(client, "paid-firm@example.cn")
    page = (await client.get("/app/organization")).text
    history = page.split('id="history"', 1)[1].split("</section>", 1)[0]
    paid = re.search(r"<dt>已拨付</dt><dd>(.*?)</dd>", history)
    assert paid, "the history names what was paid"
    assert "¥1,700,000.00" in paid.group(1) and "(170万元)" in paid.group(1)
