"""The staff console in a real browser: a reviewer, then a different approver, take an event
filing and its claim to an approved award; an admin publishes it; the public objects to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from sql.pool import create_pool
from sql.settings import Settings
from tests.e2e.conftest import LiveServer, register_firm, screenshot
from tests.factories import PASSWORD
from tests.portal.flows import ENDS, attach_checklist, claim_body, filing_body

REVIEWER, APPROVER, ADMIN = "rev@wuhan.gov.cn", "appr@wuhan.gov.cn", "admin@wuhan.gov.cn"


async def _seed_staff(settings: Settings, live_server: LiveServer) -> None:
    assert settings.database_url
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        for email, name, role in (
            (REVIEWER, "李初审", "reviewer"),
            (APPROVER, "王复核", "approver"),
            (ADMIN, "赵管理", "admin"),
        ):
            data = StaffUserIn(email=email, password=PASSWORD, name=name, roles=[role])  # type: ignore[list-item]
            await accounts.create_staff_user(pool, live_server.clock.now(), "cli", data)
    finally:
        await pool.close()


async def _token(api: httpx.AsyncClient, email: str) -> dict[str, str]:
    r = await api.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def _sign_in(page: Any, url: str, email: str) -> None:
    await page.goto(url + "/login")
    await page.get_by_label("电子邮箱").fill(email)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/console")


async def _sign_out(page: Any) -> None:
    await page.get_by_role("button", name="退出").click()
    await page.wait_for_url("**/")


async def test_reviewer_then_approver_take_a_claim_to_an_approved_award_and_the_public_objects(
    live_server: LiveServer, settings: Settings, page: Any, browser: Any
) -> None:
    url = live_server.url
    await _seed_staff(settings, live_server)
    await register_firm(settings, url, "org@example.cn", "武汉会展智能科技有限公司", "陈主办")
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        applicant = await _token(api, "org@example.cn")
        r = await api.post("/api/v1/applications", json=filing_body(), headers=applicant)
        filing_id = r.json()["id"]
        await attach_checklist(api, applicant, filing_id)
        r = await api.post(f"/api/v1/applications/{filing_id}/submit", headers=applicant)
        assert r.status_code == 200, r.text
        r = await api.put(
            "/api/v1/admin/budgets/event-support/2026",
            json={"allocated": "10000000.00"},
            headers=await _token(api, ADMIN),
        )
        assert r.status_code == 200, r.text

        # The reviewer finds the filing in their queue and passes it, declaring no conflict.
        await _sign_in(page, url, REVIEWER)
        await page.get_by_role("link", name="2026 世界人工智能创新大赛(武汉)").click()
        await page.get_by_role("button", name="初审通过").click()
        await page.locator("#err-pass-declare_no_conflict").wait_for()  # declaration first
        await page.locator("#pass-declare").check()
        await page.get_by_role("button", name="初审通过").click()
        await page.get_by_text("已初审通过。").wait_for()
        await _sign_out(page)

        # A different person approves: the filing is recognized.
        await _sign_in(page, url, APPROVER)
        await page.get_by_role("link", name="2026 世界人工智能创新大赛(武汉)").click()
        await page.locator("#approve-declare").check()
        await page.get_by_role("button", name="复核通过").click()
        await page.get_by_text("已复核通过。").wait_for()
        await _sign_out(page)

        # After the event the organizer claims its costs.
        live_server.clock.set_date(ENDS + dt.timedelta(days=7))
        r = await api.post("/api/v1/applications", json=claim_body(filing_id), headers=applicant)
        claim_id = r.json()["id"]
        await attach_checklist(api, applicant, claim_id)
        r = await api.post(f"/api/v1/applications/{claim_id}/submit", headers=applicant)
        assert r.status_code == 200, r.text

    # The reviewer cuts the prizes line, with a reason, and passes.
    await _sign_in(page, url, REVIEWER)
    claim_link = page.get_by_role("link", name="2026 世界人工智能创新大赛(武汉) · 兑现申报")
    await claim_link.wait_for()
    await screenshot(page, "console-queue")
    await claim_link.click()
    approved = page.get_by_label("核定金额 #3")
    assert await approved.input_value() == "1500000.00"
    await approved.fill("1100000.00")
    await page.get_by_label("核减理由 #3").fill("部分奖金发放凭证不全")
    await page.locator("#pass-declare").check()
    await page.locator("#pass-comment").fill("核减奖金40万元")
    await screenshot(page, "console-review")
    await page.get_by_role("button", name="初审通过").click()
    await page.get_by_text("已初审通过。").wait_for()
    await _sign_out(page)

    # The approver approves: the award and its breakdown are on the page.
    await _sign_in(page, url, APPROVER)
    await page.get_by_role("link", name="2026 世界人工智能创新大赛(武汉) · 兑现申报").click()
    await page.locator("#approve-declare").check()
    await page.get_by_role("button", name="复核通过").click()
    await page.get_by_text("已复核通过。").wait_for()
    assert await page.locator("#award-amount").inner_text() == "¥1,500,000.00"
    assert await page.locator("#approved-total").inner_text() == "¥3,000,000.00"
    await page.get_by_text("50% × 3,000,000.00 = 1,500,000.00").wait_for()
    await page.get_by_text("部分奖金发放凭证不全").first.wait_for()
    await screenshot(page, "console-application")
    await _sign_out(page)

    # The admin sees the budget, publishes the award and checks the audit chain.
    await _sign_in(page, url, ADMIN)
    await page.get_by_role("link", name="预算看板").click()
    await page.locator("#budget-chart[data-ready=true] canvas").wait_for()
    assert "¥1,500,000.00" in await page.locator("#budget-event-support").inner_text()
    await screenshot(page, "console-budgets")
    await page.get_by_role("link", name="公示批次").click()
    await page.get_by_role("checkbox").first.check()
    await page.get_by_role("button", name="发布公示").click()
    await page.get_by_text("公示批次已发布。").wait_for()
    await page.get_by_role("link", name="审计日志").click()
    await page.locator("#verify-result[data-ok=true]").wait_for()
    await screenshot(page, "console-audit")

    # A member of the public, in a fresh browser, sees it and objects.
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        public = await context.new_page()
        await public.goto(url + "/publicity")
        card = public.locator("article.card", has_text="武汉会展智能科技有限公司")
        await card.get_by_text("¥1,500,000.00").wait_for()
        await card.get_by_text("提出异议").click()
        await card.get_by_label("异议理由").fill("该活动部分场地费用系关联方虚开,请核查。")
        await card.get_by_label("联系方式").fill("13900000000")
        await screenshot(public, "publicity")
        await card.get_by_role("button", name="提交").click()
        await public.get_by_text("异议已收到,我们将依法核查。").wait_for()
    finally:
        await context.close()
