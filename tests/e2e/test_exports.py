"""The XLSX export in a real browser: progress shows from the click, before the job answers."""

from __future__ import annotations

import asyncio
from typing import Any

from sql.settings import Settings
from tests.e2e.conftest import LiveServer, seed_staff, sign_in

FINANCE = "exports@wuhan.gov.cn"


async def test_the_xlsx_export_shows_progress_from_the_first_click(
    live_server: LiveServer, settings: Settings, page: Any
) -> None:
    await seed_staff(settings, live_server, (FINANCE, "钱财务", "finance", []))
    url = live_server.url
    await sign_in(page, url, FINANCE)
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
