"""The end of the money flow in a real browser: the public objects to an award in publicity, an
approver dismisses the objection after the period, finance pays it in a batch from the due list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from sql.pool import create_pool
from sql.settings import Settings
from tests.e2e.conftest import LiveServer, screenshot, verify_address
from tests.e2e.test_console import _sign_in
from tests.factories import PASSWORD, make_uscc
from tests.portal.flows import publicized_claim

STAFF = {
    "reviewer": "rev@wuhan.gov.cn",
    "approver": "appr@wuhan.gov.cn",
    "finance": "fin@wuhan.gov.cn",
    "admin": "admin@wuhan.gov.cn",
}


async def _team(
    settings: Settings, live_server: LiveServer, api: httpx.AsyncClient
) -> dict[str, Any]:
    assert settings.database_url
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        for role, email in STAFF.items():
            data = StaffUserIn(email=email, password=PASSWORD, name=f"{role}员", roles=[role])  # type: ignore[list-item]
            await accounts.create_staff_user(pool, live_server.clock.now(), "cli", data)
    finally:
        await pool.close()
    r = await api.post(
        "/api/v1/auth/register",
        json={
            "org": {
                "name": "武汉拨付测试科技有限公司",
                "uscc": make_uscc("420106"),
                "contact_name": "钱会计",
                "contact_phone": "027-8888 1111",
            },
            "user": {"email": "pay@example.cn", "password": PASSWORD, "name": "钱会计"},
        },
    )
    assert r.status_code == 201, r.text
    await verify_address(settings, str(api.base_url).rstrip("/"), "pay@example.cn")
    team: dict[str, Any] = {}
    for key, email in [("applicant", "pay@example.cn"), *STAFF.items()]:
        r = await api.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        team[key] = r.json()["access_token"]
    return team


async def test_objection_dismissed_then_paid_in_a_batch(
    live_server: LiveServer, settings: Settings, page: Any, browser: Any
) -> None:
    url, clock = live_server.url, live_server.clock
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        team = await _team(settings, live_server, api)
        claim = await publicized_claim(api, clock, team)  # type: ignore[arg-type]

    # The public objects on the publicity page.
    await page.goto(url + "/publicity")
    card = page.locator("article.card", has_text="武汉拨付测试科技有限公司")
    await card.get_by_text("提出异议").click()
    await card.get_by_label("异议理由").fill("该活动实际参赛队伍不足公示数量。")
    await card.get_by_label("联系方式").fill("13900000000")
    await card.get_by_role("button", name="提交").click()
    await page.get_by_text("异议已收到,我们将依法核查。").wait_for()

    # After the period, the approver finds it among open objections and dismisses it.
    clock.set_date(dt.date.fromisoformat(claim["batch"]["ends_on"]) + dt.timedelta(days=1))
    await _sign_in(page, url, STAFF["approver"])
    await page.get_by_role("link", name="公示异议").click()
    await page.get_by_text("该活动实际参赛队伍不足公示数量。").wait_for()
    await screenshot(page, "console-objections")
    await page.get_by_role("link", name=claim["reference"]).click()
    await page.get_by_label("不予采纳,奖补继续办理").check()
    await page.locator(".resolve textarea[name=comment]").fill("经核实,参赛队伍数量属实。")
    await page.get_by_role("button", name="提交处理结果").click()
    await page.get_by_text("异议已处理。").wait_for()
    await page.locator(".badge.status-confirmed").first.wait_for()
    await page.get_by_role("button", name="退出").click()

    # Finance picks it from the due list, enters the bank's reference, reviews and records.
    await _sign_in(page, url, STAFF["finance"])
    await page.get_by_role("link", name="待拨付").click()
    await page.get_by_role("checkbox").first.check()
    await page.get_by_label(f"银行流水号 {claim['reference']}").fill("BOC-20260601-0001")
    await screenshot(page, "console-payments-due")
    await page.get_by_role("button", name="核对拨付批次").click()
    await page.locator("#batch-ok").wait_for()
    await screenshot(page, "console-payments-preview")
    await page.get_by_role("button", name="确认登记本批次拨付").click()
    await page.get_by_text("拨付批次已登记").wait_for()
    await page.locator("#nothing-due").wait_for()
