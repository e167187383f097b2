"""A district reviewer's day in a real browser: the queue holds only their district's claims; they
take the first review (区初审) of the computing-centre match, and the city's approver decides."""

from __future__ import annotations

from typing import Any

import httpx

from sql.settings import Settings
from tests.e2e.conftest import LiveServer, register_firm, screenshot, seed_staff, sign_in
from tests.factories import PASSWORD
from tests.portal.flows import PAYEE, checklist

HONGSHAN_REVIEWER, APPROVER, ADMIN = "hs@wuhan.gov.cn", "city@wuhan.gov.cn", "adm@wuhan.gov.cn"


async def _auth(api: httpx.AsyncClient, email: str) -> dict[str, str]:
    r = await api.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def _claim(api: httpx.AsyncClient, email: str, centre: str) -> str:
    auth = await _auth(api, email)
    body = {
        "type": "program_claim",
        "program_code": "computing-center-match",
        "fields": {"center_name": centre, "subsidy_year": 2025, "provincial_subsidy": "3000000.00"},
        "payee": PAYEE,
        "documents": await checklist(api, auth, "program_claim", code="computing-center-match"),
    }
    r = await api.post("/api/v1/applications", json=body, headers=auth)
    assert r.status_code == 201, r.text
    app_id = str(r.json()["id"])
    r = await api.post(f"/api/v1/applications/{app_id}/submit", headers=auth)
    assert r.status_code == 200, r.text
    return app_id


async def test_a_district_reviewer_takes_the_first_review_and_the_city_decides(
    live_server: LiveServer, settings: Settings, page: Any
) -> None:
    url = live_server.url
    await seed_staff(
        settings,
        live_server,
        (HONGSHAN_REVIEWER, "陈初审", "reviewer", ["420111"]),
        (APPROVER, "王复核", "approver", []),
        (ADMIN, "赵管理", "admin", []),
    )
    await register_firm(settings, url, "gg@example.cn", "武汉光谷智算有限公司", "周", "420111")
    await register_firm(settings, url, "wc@example.cn", "武汉武昌智算有限公司", "吴", "420106")
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        ours = await _claim(api, "gg@example.cn", "光谷智算中心")
        theirs = await _claim(api, "wc@example.cn", "武昌智算中心")
        admin = await _auth(api, ADMIN)
        for funder in ("city", "420111"):
            r = await api.put(
                "/api/v1/admin/budgets/computing-center-match/2026",
                json={"allocated": "10000000.00", "funder": funder},
                headers=admin,
            )
            assert r.status_code == 200, r.text

    # 洪山区's reviewer: only 洪山区's claim is in the queue; 武昌区's does not exist for them.
    await sign_in(page, url, HONGSHAN_REVIEWER)
    await page.get_by_role("link", name="光谷智算中心").wait_for()
    assert await page.get_by_role("link", name="武昌智算中心").count() == 0
    await screenshot(page, "console-district-queue")
    response = await page.goto(f"{url}/console/applications/{theirs}")
    assert response is not None and response.status == 404
    await page.goto(f"{url}/console/applications/{ours}")
    await page.locator("#pass-declare").check()
    await page.get_by_role("button", name="初审通过").click()
    await page.get_by_text("已初审通过。").wait_for()
    await page.get_by_role("button", name="退出").click()
    await page.wait_for_url("**/")

    # The city's approver reviews and decides: half the award is the district's money.
    await sign_in(page, url, APPROVER)
    await page.get_by_role("link", name="光谷智算中心").click()
    await page.locator("#approve-declare").check()
    await page.get_by_role("button", name="复核通过").click()
    await page.get_by_text("已复核通过。").wait_for()
    assert await page.locator("#award-amount").inner_text() == "¥3,000,000.00"
    await page.get_by_text("区级 50%").first.wait_for()
    await screenshot(page, "console-district-approved")
