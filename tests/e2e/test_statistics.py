"""The public statistics in a real browser: every chart is drawn (a canvas in each container)
under the content security policy, with no error in the console and no serious accessibility
violation, and the tables beside the charts hold the figures, in Chinese and in English."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_accessibility import _serious
from tests.portal.test_statistics import people, scenario  # noqa: F401 - the fixture

CHARTS = ("program", "district", "year", "applications")


async def _charts_drawn(page: Any) -> None:
    for key in CHARTS:
        await page.locator(f"#chart-{key}[data-ready=true] canvas").wait_for()


async def test_the_public_statistics_draw_their_charts_beside_their_tables(
    live_server: LiveServer,
    client: AsyncTestClient,
    clock: FrozenClock,
    people: dict[str, Any],  # noqa: F811
    pool: asyncpg.Pool,
    page: Any,
) -> None:
    # The applications are made through the API of an app on the same database and Redis.
    await scenario(client, clock, people, pool)
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))

    await page.goto(live_server.url + "/")
    await page.get_by_role("link", name="统计数据").click()
    await page.wait_for_url("**/statistics")
    await _charts_drawn(page)
    program = await page.locator("#table-program").inner_text()
    assert "人工智能国家级、国际性重大活动支持" in program and "¥1,699,999.99" in program
    district = await page.locator("#table-district").inner_text()
    assert "硚口区" in district and "200万元" in district and "¥1,000,000.00" in district
    assert "370.00万元" in await page.locator("#total-approved").inner_text()
    assert "46.5 天" in await page.locator("#median-days").inner_text()
    assert await _serious(page) == []  # axe-core: no serious or critical violation
    await screenshot(page, "statistics")

    await page.get_by_role("link", name="English").click()
    await page.wait_for_url("**/statistics")
    await _charts_drawn(page)
    district = await page.locator("#table-district").inner_text()
    assert "Qiaokou" in district and "2 million yuan" in district
    assert "Figures as of 2026-05-27 10:00" in await page.locator("#stats-as-of").inner_text()
    await screenshot(page, "statistics-en")
    assert errors == []
