"""The XLSX export in a real browser: progress shows from the click, before the job answers."""

from __future__ import annotations

import asyncio
from typing import Any

from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from sql.pool import create_pool
from sql.settings import Settings
from tests.e2e.conftest import LiveServer
from tests.factories import PASSWORD

FINANCE = "exports@wuhan.gov.cn"


async def test_the_xlsx_export_shows_progress_from_the_first_click(
    live_server: LiveServer, settings: Settings, page: Any
) -> None:
    assert settings.database_url
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        data = StaffUserIn(email=FINANCE, password=PASSWORD, name="钱财务", roles=["finance"])
        await accounts.create_staff_user(pool, live_server.clock.now(), "cli", data)
    finally:
        await pool.close()
    url = live_server.url
    await page.goto(url + "/login")
    await page.get_by_label("电子邮箱").fill(FINANCE)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/console")
    await page.goto(url + "/console/exports")

    answered = asyncio.Event()

    async def slow(route: Any) -> None:  # a busy server: the job's first answer takes a while
        await answered.wait()
        await route.continue_()

    await page.route("**/console/exports/xlsx", slow)
    starting = page.locator("#xlsx-starting")
    assert not await starting.is_visible()
    await page.locator("#xlsx-start").click()
    await starting.wait_for(state="visible")
    assert "正在提交导出请求" in await starting.inner_text()
    assert await page.locator("#xlsx-start").is_disabled()  # one click, one job
    answered.set()
    job = page.locator('#export-job[data-state="queued"]')
    await job.wait_for()
    assert await job.locator("progress").get_attribute("value") == "0"
    assert "0%" in await page.locator("#export-progress").inner_text()
    await starting.wait_for(state="hidden")
