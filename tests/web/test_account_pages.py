"""The account's pages: the forms an e-mailed link opens (reset, verification, invitation), the
password change, the organization's page with its people, and staff's view of an organization."""

from __future__ import annotations

import re

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import PASSWORD, bearer, link_token, register, token
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
