"""A firm's accounts in a real browser: register and verify from the e-mail file, invite a
colleague who accepts and submits, reset a forgotten password, and sign in with the OpenID
Connect provider. Mail goes where a local portal puts it: .eml files under the data folder."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import msgspec
import oidc_provider_mock

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.e2e.conftest import LiveServer, screenshot, serve
from tests.factories import PASSWORD, make_uscc
from tests.mail import link
from tests.portal.flows import checklist, filing_body
from tests.portal.serving import free_port
from tests.workers.harness import deliver_everything

NEW_PASSWORD = "a brand new password"


async def _sign_in(page: Any, url: str, email: str, password: str = PASSWORD) -> None:
    await page.goto(url + "/login")
    await page.get_by_label("电子邮箱").fill(email)
    await page.get_by_label("密码").fill(password)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/app")


async def test_register_verify_invite_accept_submit_and_reset(
    live_server: LiveServer,
    settings: Settings,
    pool: asyncpg.Pool,
    page: Any,
    browser: Any,
) -> None:
    url, clock = live_server.url, live_server.clock

    def mailed(path: str) -> str:
        # The mail links to PORTAL_BASE_URL; this test's server listens elsewhere.
        return link(settings.mail_folder, path).replace(settings.public_url, url)

    await page.goto(url + "/register")
    await page.get_by_label("单位名称").fill("武汉账号测试科技有限公司")
    await page.get_by_label("统一社会信用代码").fill(make_uscc("420111"))
    await page.get_by_label("联系人").fill("孙七")
    await page.get_by_label("联系电话").fill("13600000001")
    await page.get_by_label("姓名").fill("孙七")
    await page.get_by_label("电子邮箱").fill("boss@example.cn")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="单位注册").click()
    await page.get_by_text("注册成功").wait_for()
    await _sign_in(page, url, "boss@example.cn")
    await page.locator("#verify-banner").wait_for()

    # The verification mail, as a file; its link opens a page with one button.
    await deliver_everything(settings, clock, pool)
    await page.goto(mailed("/verify-email"))
    await page.get_by_role("button", name="确认验证").click()
    await page.get_by_text("电子邮箱已验证").wait_for()
    await page.goto(url + "/app")
    assert await page.locator("#verify-banner").count() == 0

    # The admin keeps a bank account on file and invites a colleague.
    await page.get_by_role("link", name="单位信息").click()
    await page.locator("#bank-account_name").fill("武汉账号测试科技有限公司")
    await page.locator("#bank-bank").fill("汉口银行")
    await page.locator("#bank-account_no").fill("6217000012345678")
    await page.locator("#form-bank").get_by_role("button", name="保存").click()
    await page.get_by_text("收款账户已保存").wait_for()
    await page.locator("#invite-email").fill("mate@example.cn")
    await page.get_by_role("button", name="发送邀请").click()
    await page.get_by_text("邀请已发送").wait_for()
    await screenshot(page, "app-organization")

    # A draft the admin started, complete but for its submission.
    async with httpx.AsyncClient(base_url=url) as api:
        r = await api.post(
            "/api/v1/auth/token", json={"email": "boss@example.cn", "password": PASSWORD}
        )
        auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        documents = await checklist(api, auth, "event_filing")
        body = filing_body(documents=documents)
        r = await api.post("/api/v1/applications", json=body, headers=auth)
        assert r.status_code == 201, r.text

    # The colleague, in a browser of their own, accepts and submits the draft.
    await deliver_everything(settings, clock, pool)
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        mate = await context.new_page()
        await mate.goto(mailed("/invitations/accept"))
        await mate.get_by_label("姓名").fill("周八")
        await mate.get_by_label("新密码").fill(PASSWORD)
        await mate.get_by_role("button", name="接受邀请").click()
        await mate.get_by_text("账号已创建").wait_for()
        await _sign_in(mate, url, "mate@example.cn")
        await mate.get_by_role("link", name="2026 世界人工智能创新大赛(武汉)").click()
        await mate.get_by_role("link", name="继续填写").click()
        await mate.get_by_role("button", name="下一步:核对并提交").click()
        await mate.wait_for_url("**/review")
        await mate.get_by_role("button", name="确认提交").click()
        await mate.locator("#app-status", has_text="已提交").wait_for()
    finally:
        await context.close()

    # The admin forgets the password and resets it from the mail.
    await page.get_by_role("button", name="退出").click()
    await page.goto(url + "/login")
    await page.get_by_role("link", name="忘记密码?").click()
    await page.get_by_label("电子邮箱").fill("boss@example.cn")
    await page.get_by_role("button", name="发送重设链接").click()
    await page.locator("#done").wait_for()
    await deliver_everything(settings, clock, pool)
    await page.goto(mailed("/password-reset/confirm"))
    await page.get_by_label("新密码").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="设置新密码").click()
    await page.get_by_text("密码已重设").wait_for()
    await _sign_in(page, url, "boss@example.cn", NEW_PASSWORD)


async def test_sign_in_with_the_identity_provider(
    settings: Settings, clock: FrozenClock, page: Any
) -> None:
    port = free_port()
    with oidc_provider_mock.run_server_in_thread() as provider:
        issuer = f"http://localhost:{provider.server_port}"
        configured = msgspec.structs.replace(
            settings,
            oidc_issuer=issuer,
            oidc_client_id="subsidy-portal",
            oidc_client_secret="a client secret",
            base_url=f"http://127.0.0.1:{port}",
        )
        r = httpx.put(
            f"{issuer}/users/{quote('dana-1')}",
            json={"email": "dana@example.cn", "email_verified": True, "name": "钱九"},
        )
        assert r.status_code == 204
        with serve(configured, clock, port) as live:
            await page.goto(live.url + "/login")
            await page.locator("#oidc-login").click()
            await page.get_by_placeholder("sub").fill("dana-1")
            await page.get_by_role("button", name="Authorize").click()
            await page.locator("#oidc-note").wait_for()  # no account yet: register the firm
            await page.get_by_label("单位名称").fill("武汉统一认证科技有限公司")
            await page.get_by_label("统一社会信用代码").fill(make_uscc("420106"))
            await page.get_by_label("联系人").fill("钱九")
            await page.get_by_label("联系电话").fill("13600000002")
            await page.get_by_label("密码").fill(PASSWORD)
            await page.get_by_role("button", name="单位注册").click()
            await page.wait_for_url("**/app")
            assert await page.locator("#verify-banner").count() == 0
