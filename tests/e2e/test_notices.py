"""A notice in a real browser: a signed-in organizer follows the download link on its recognized
filing's page and gets the PDF; the code printed on it, typed into the public verification page,
shows the notice as genuine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from sql.settings import Settings
from tests.e2e.conftest import LiveServer, register_firm, screenshot
from tests.e2e.test_applicant import _recognize
from tests.factories import PASSWORD, bearer
from tests.portal.flows import create, filing_body, ok, submit
from tests.portal.test_notices import code_in, text_of

EMAIL = "paper@example.cn"
ORG = "武汉纸面文书科技有限公司"


async def test_an_organizer_downloads_its_filing_notice_and_verifies_it(
    live_server: LiveServer, settings: Settings, page: Any
) -> None:
    url = live_server.url
    await register_firm(settings, url, EMAIL, ORG, "钱文书")
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        r = await api.post("/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD})
        firm = r.json()["access_token"]
        filing = await create(api, firm, filing_body(title="2026 江城人工智能博览会"))
        await ok(await submit(api, firm, filing["id"]))
    await _recognize(settings, live_server, filing["id"])
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        r = await api.get(f"/api/v1/applications/{filing['id']}", headers=bearer(firm))
        reference = r.json()["reference"]

    await page.goto(url + f"/app/applications/{filing['id']}")  # the login page, then back
    await page.get_by_label("电子邮箱").fill(EMAIL)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"**/app/applications/{filing['id']}")
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="重大活动事前备案确认书").click()
    download = await downloading.value
    assert download.suggested_filename == f"{reference}-重大活动事前备案确认书.pdf"
    pdf = Path(await download.path()).read_bytes()
    text = text_of(pdf)
    assert reference in text
    assert ORG in text and "2026江城人工智能博览会" in text
    code = code_in(pdf)

    await page.get_by_role("link", name="文书验证").first.click()
    await page.wait_for_url("**/notices/verify")
    await page.get_by_label("验证码").fill(code)
    await page.get_by_role("button", name="验证").click()
    await page.locator("#verified").wait_for()
    assert "文书真实" in await page.locator("#verified-h").inner_text()
    assert await page.locator("#notice-org").inner_text() == ORG
    assert "重大活动事前备案确认书" in await page.locator("#notice-kind").inner_text()
    await screenshot(page, "notice-verified")
