"""The applicant's main flow and the console's queue and application page, checked by axe-core
(shipped inside axe-playwright-python) in Chromium: no serious or critical violation, and no
error in the browser's console (the content security policy blocks nothing the pages use)."""

from __future__ import annotations

from typing import Any

import httpx
from axe_playwright_python.async_playwright import Axe

from sql.settings import Settings
from tests.e2e.conftest import LiveServer, register_firm
from tests.e2e.test_console import REVIEWER, _seed_staff, _sign_in, _token
from tests.factories import PASSWORD
from tests.portal.flows import attach_checklist, filing_body

AXE = Axe()


async def _serious(page: Any) -> list[str]:
    results = await AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def test_the_main_pages_have_no_serious_accessibility_violation(
    live_server: LiveServer, settings: Settings, page: Any
) -> None:
    url = live_server.url
    await _seed_staff(settings, live_server)
    await register_firm(settings, url, "a11y@example.cn", "武汉无障碍科技有限公司", "林可及")
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        applicant = await _token(api, "a11y@example.cn")
        filing = (
            await api.post("/api/v1/applications", json=filing_body(), headers=applicant)
        ).json()
        await attach_checklist(api, applicant, filing["id"])
        draft = (
            await api.post(
                "/api/v1/applications",
                json=filing_body(title="2026 人工智能开发者大会"),
                headers=applicant,
            )
        ).json()
        r = await api.post(f"/api/v1/applications/{filing['id']}/submit", headers=applicant)
        assert r.status_code == 200, r.text

    # The content security policy blocks nothing the pages use: the console stays clean.
    console_errors: list[str] = []
    page.on(
        "console",
        lambda m: console_errors.append(f"{page.url}: {m.text}") if m.type == "error" else None,
    )
    found: dict[str, list[str]] = {}
    for path in ("/", "/programs/event-support", "/login", "/register", "/publicity"):
        await page.goto(url + path)
        found[path] = await _serious(page)
    await page.goto(url + "/login")
    await page.get_by_label("电子邮箱").fill("a11y@example.cn")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url("**/app")
    for path in (
        "/app",
        "/app/new",
        f"/app/applications/{draft['id']}/edit",
        f"/app/applications/{draft['id']}/review",
        f"/app/applications/{filing['id']}",
    ):
        await page.goto(url + path)
        found[path] = await _serious(page)
    await page.get_by_role("button", name="退出").click()
    await page.wait_for_url("**/")
    await _sign_in(page, url, REVIEWER)
    for path in ("/console", f"/console/applications/{filing['id']}"):
        await page.goto(url + path)
        found[path] = await _serious(page)
        if path == "/console":  # badges and organizations' names keep to one line in lists
            row = page.locator("table tbody tr").first
            for cell in (row.locator(".badge"), row.get_by_text("武汉无障碍科技有限公司")):
                assert await cell.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    assert {k: v for k, v in found.items() if v} == {}
    assert console_errors == []
