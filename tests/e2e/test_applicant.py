"""The applicant's side in a real browser: an organizer registers, files an event through the
form (three budget lines with a running total, a PDF uploaded with a progress bar), reviews and
submits it; staff recognize it (through the API: the console has its own test); after the event
the organizer claims its costs against the filing and submits the claim."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from sql.pool import create_pool
from sql.settings import Settings
from tests.e2e.conftest import LiveServer, verify_address
from tests.e2e.conftest import screenshot as full_page
from tests.factories import PASSWORD, make_uscc
from tests.portal.flows import ENDS
from tests.workers.harness import job_ctx
from workers.relay import relay

EMAIL = "organizer@example.cn"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"% padding\n" * 20000
TITLE = "2026 长江人工智能创新大赛"


async def _recognize(settings: Settings, live_server: LiveServer, filing_id: str) -> None:
    """A reviewer passes the filing and a different approver recognizes it."""
    assert settings.database_url
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        for email, role in (("rev@wuhan.gov.cn", "reviewer"), ("appr@wuhan.gov.cn", "approver")):
            data = StaffUserIn(email=email, password=PASSWORD, name=role, roles=[role])  # type: ignore[list-item]
            await accounts.create_staff_user(pool, live_server.clock.now(), "cli", data)
    finally:
        await pool.close()
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as api:
        for email, action in (("rev@wuhan.gov.cn", "pass"), ("appr@wuhan.gov.cn", "approve")):
            r = await api.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
            assert r.status_code == 200, r.text
            r = await api.post(
                f"/api/v1/admin/applications/{filing_id}/decisions",
                json={"action": action, "comment": "同意", "declare_no_conflict": True},
                headers={"Authorization": f"Bearer {r.json()['access_token']}"},
            )
            assert r.status_code == 200, r.text


async def screenshot(page: Any, name: str) -> None:
    # From the top: the form's sticky save bar then sits where it belongs in a full-page shot.
    await page.evaluate("window.scrollTo(0, 0)")
    await full_page(page, name)


async def _sign_in(page: Any, url: str) -> None:
    await page.goto(url + "/app")  # not signed in: the login page, then back here
    await page.get_by_label("电子邮箱").fill(EMAIL)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/app")


async def _line(page: Any, field: str, i: int, category: str, amount: str, **extra: str) -> None:
    await page.locator(f"#{field}-{i}-category").select_option(category)
    for name, value in extra.items():
        await page.locator(f"#{field}-{i}-{name}").fill(value)
    await page.locator(f"#{field}-{i}-amount").fill(amount)


async def _upload(page: Any, kind: str, name: str) -> None:
    """A document of the checklist, uploaded from the form and saved with the draft."""
    await page.get_by_label("材料类型").select_option(kind)
    await page.locator("#doc-file").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF}
    )
    await page.get_by_role("button", name="上传", exact=True).click()
    await page.get_by_role("link", name=name).wait_for()
    await page.locator("#save-status", has_text="已保存").wait_for()


async def test_an_organizer_goes_from_registration_to_a_submitted_claim(
    live_server: LiveServer, settings: Settings, page: Any
) -> None:
    url = live_server.url
    # Register and sign in through the pages.
    await page.goto(url + "/register")
    await page.get_by_label("单位名称").fill("武汉长江会展科技有限公司")
    await page.get_by_label("统一社会信用代码").fill(make_uscc("420111"))
    await page.locator("#uscc-ok").wait_for()
    await page.get_by_label("联系人").fill("周主办")
    await page.get_by_label("联系电话").fill("13800000000")
    await page.get_by_label("姓名").fill("周主办")
    await page.get_by_label("电子邮箱").fill(EMAIL)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="单位注册").click()
    await page.get_by_text("注册成功").wait_for()
    await verify_address(settings, url, EMAIL)  # tests/e2e/test_accounts.py follows the mail
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/app")

    # A filing through the form: the draft is made, then filled and saved as we go.
    await page.get_by_role("link", name="+ 新建申报").click()
    await page.get_by_role("link", name="开始申报:重大活动事前备案").click()
    await page.get_by_role("button", name="创建草稿并开始填写").click()
    await page.wait_for_url("**/edit")
    await page.get_by_label("名称", exact=True).fill(TITLE)
    await page.get_by_label("活动类型").select_option("contest")
    await page.get_by_label("级别").select_option("international")
    await page.get_by_label("举办地点").fill("武汉国际博览中心")
    await page.get_by_label("所在区").select_option("420105")
    await page.get_by_label("开始日期").fill("2026-05-11")
    await page.get_by_label("结束日期").fill("2026-05-13")
    await page.get_by_label("预计规模(人次)").fill("5000")
    await page.get_by_label("协办单位").fill("武汉市人工智能产业协会")
    add = page.get_by_role("button", name="+ 添加一行")
    for _ in range(4):
        await add.click()
    await _line(page, "budget_lines", 0, "venue", "1200000.00", description="场地租赁")
    await _line(page, "budget_lines", 1, "promotion", "800000", description="宣传推广")
    await _line(page, "budget_lines", 2, "other", "1", description="多余的一行")
    await _line(page, "budget_lines", 3, "prizes", "2000000.00", description="奖金")
    total = page.locator("#lines-total")
    assert await total.inner_text() == "¥4,000,001.00"
    wan = page.locator("[data-line-total-wan]")
    assert await wan.inner_text() == "400.00万元"  # 400.0001万 read rounded, the yuan exact
    # Remove the stray line from the keyboard; the rows renumber and the total follows.
    await page.get_by_role("button", name="删除 第3行").focus()
    await page.keyboard.press("Enter")
    assert await total.inner_text() == "¥4,000,000.00"
    assert await wan.inner_text() == "400万元"
    assert await page.locator("#budget_lines-2-description").input_value() == "奖金"
    await page.locator("#save-status", has_text="已保存").wait_for()

    # A bad amount is named next to its input after the autosave.
    await page.locator("#budget_lines-1-amount").fill("80万")
    await page.locator("#budget_lines-1-description").focus()
    error = page.locator("#err-budget_lines-1-amount")
    await error.wait_for()
    assert "金额" in await error.inner_text()
    await page.locator("#budget_lines-1-amount").fill("800000.00")
    await page.locator("#budget_lines-1-description").focus()
    await error.wait_for(state="hidden")

    # The plan, uploaded with a progress bar, then listed with its download link.
    await page.get_by_label("材料类型").select_option("plan")
    await page.locator("#doc-file").set_input_files(
        {"name": "大赛方案.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    await page.get_by_role("button", name="上传", exact=True).click()
    await page.get_by_role("link", name="大赛方案.pdf").wait_for()
    assert await page.locator("#upload-progress").get_attribute("value") == "100"
    await page.locator("#save-status", has_text="已保存").wait_for()
    await _upload(page, "qualification", "主办资质.pdf")
    await screenshot(page, "app-filing-form")

    # Review, then submit.
    await page.get_by_role("button", name="下一步:核对并提交").click()
    await page.wait_for_url("**/review")
    await page.get_by_text("¥4,000,000.00").first.wait_for()
    await page.get_by_role("link", name="大赛方案.pdf").wait_for()
    await screenshot(page, "app-review")
    await page.get_by_role("button", name="确认提交").click()
    await page.locator("#app-status", has_text="已提交").wait_for()
    filing_id = page.url.split("/app/applications/")[1].split("?")[0]

    # Staff recognize the filing; the organizer hears of it.
    await _recognize(settings, live_server, filing_id)
    async with job_ctx(settings, live_server.clock) as ctx:
        await relay(ctx)

    # After the event, the claim against the filing.
    live_server.clock.set_date(ENDS + dt.timedelta(days=7))
    await _sign_in(page, url)  # the session did not outlive the weeks
    # The dashboard: the recognized filing with the last day to claim it.
    await page.get_by_text("兑现申报截止").wait_for()
    await page.get_by_text("2026-08-11").wait_for()
    await screenshot(page, "app-dashboard")
    await page.get_by_role("link", name=TITLE).click()
    await page.locator("#app-status", has_text="已认定").wait_for()
    await page.get_by_role("link", name="申报兑现").click()
    await page.get_by_role("button", name="创建草稿并开始填写").click()
    await page.wait_for_url("**/edit")
    await page.get_by_label("实际规模(人次)").fill("6200")
    await page.get_by_label("情况总结").fill("大赛如期举办,参赛团队312支。")
    for _ in range(2):
        await page.get_by_role("button", name="+ 添加一行").click()
    await _line(
        page,
        "expense_lines",
        0,
        "venue",
        "1000000.00",
        description="场地",
        invoice_numbers="INV-001, INV-002",
    )
    await _line(
        page, "expense_lines", 1, "prizes", "1500000", description="奖金", invoice_numbers="INV-003"
    )
    assert await page.locator("#lines-total").inner_text() == "¥2,500,000.00"
    # The claim pays money: it names the account it is paid to.
    await page.locator("#payee-account_name").fill("武汉会展智能科技有限公司")
    await page.locator("#payee-bank").fill("汉口银行光谷支行")
    await page.locator("#payee-account_no").fill("6217000000000001")
    await page.locator("#expense_lines-1-description").focus()
    await page.locator("#requested-amount", has_text="¥1,250,000.00").wait_for()
    await page.locator("#save-status", has_text="已保存").wait_for()
    await _upload(page, "audit_report", "审计报告.pdf")
    await _upload(page, "invoice", "发票.pdf")
    await screenshot(page, "app-claim-form")
    await page.get_by_role("button", name="下一步:核对并提交").click()
    await page.wait_for_url("**/review")
    await page.get_by_text("INV-001, INV-002").wait_for()
    await page.get_by_role("button", name="确认提交").click()
    await page.locator("#app-status", has_text="已提交").wait_for()
    await page.get_by_text("申请已提交").wait_for()
    await screenshot(page, "app-application")

    await page.get_by_role("link", name="消息中心").click()
    await page.get_by_role("button", name="全部标为已读").wait_for()
    await screenshot(page, "app-inbox")
