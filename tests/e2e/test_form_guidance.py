"""The applicant's form guides as one types: a stock code another exchange numbers is questioned
at once, and a refused form opens at its first error."""

from __future__ import annotations

from typing import Any

import httpx

from sql.settings import Settings
from tests.e2e.conftest import LiveServer, register_firm, sign_in
from tests.factories import PASSWORD

EMAIL = "listing@example.cn"


async def _draft(url: str, body: dict[str, Any]) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        r = await api.post("/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD})
        auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = await api.post("/api/v1/applications", json=body, headers=auth)
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


async def test_a_mismatched_stock_code_is_questioned_and_errors_open_at_the_first(
    live_server: LiveServer, settings: Settings, page: Any
) -> None:
    url = live_server.url
    await register_firm(settings, url, EMAIL, "武汉科创上市科技有限公司", "钱董秘", "420111")
    app_id = await _draft(url, {"type": "ipo_domestic_claim", "stages": ["tutoring"]})
    await sign_in(page, url, EMAIL, lands="**/app")
    await page.goto(f"{url}/app/applications/{app_id}/edit")

    warning = page.locator("#stock_code-warning")
    await page.get_by_label("交易所").select_option("SZSE")
    await page.get_by_label("股票代码").fill("688981")
    await warning.wait_for()
    assert "按编码规则属于上海证券交易所,与所选深圳证券交易所不一致" in await warning.inner_text()
    await page.get_by_label("交易所").select_option("SSE")
    await warning.wait_for(state="hidden")

    # Submitted with fields missing, the form opens again at the first control in error.
    await page.get_by_label("股票代码").fill("")
    await page.locator("#save-status", has_text="已保存").wait_for()
    await page.get_by_role("button", name="下一步:核对并提交").click()
    await page.wait_for_url("**/review")
    await page.get_by_role("button", name="确认提交").click()
    await page.wait_for_url("**/submit")
    first = page.locator('#app-form [aria-invalid="true"]').first
    await first.wait_for()
    focused = await page.evaluate("document.activeElement && document.activeElement.id")
    assert focused == await first.get_attribute("id")
    box = await first.bounding_box()
    assert box is not None and 0 <= box["y"] <= 900 - box["height"]
    slot = page.locator(f"#err-{focused}")
    assert await slot.is_visible()
