"""A stock code that another exchange numbers so is questioned beside it, not refused."""

from __future__ import annotations

import re

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, make_uscc, register
from tests.portal.flows import PAYEE, create, ok, submit
from tests.web.test_applicant_pages import sign_in as applicant_sign_in
from tests.web.test_console_pages import make_staff
from tests.web.test_console_pages import sign_in as staff_sign_in


def warnings_on(page: str) -> list[str]:
    """The stock-code warnings a reader sees (a hidden one is the live check's empty slot)."""
    found = re.findall(r'<p class="field-warning"([^>]*)>(.*?)</p>', page, re.S)
    return [text.strip() for attrs, text in found if " hidden" not in attrs]


def ipo(exchange: str, code: str) -> dict[str, object]:
    return {
        "type": "ipo_domestic_claim",
        "exchange": exchange,
        "stages": ["tutoring"],
        "stage_dates": {"tutoring": "2025-06-01"},
        "stock_code": code,
        "payee": PAYEE,
    }


async def test_a_star_code_on_shenzhen_is_questioned_for_the_firm_and_the_reviewer(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    org = await register(client, uscc=make_uscc("420111"))
    wrong = await create(client, org["token"], ipo("SZSE", "688981"))
    right = await create(client, org["token"], ipo("SSE", "688982"))
    await applicant_sign_in(client, org["user"]["email"])

    page = (await client.get(f"/app/applications/{wrong['id']}/edit")).text
    assert warnings_on(page) == [
        "股票代码 688981 按编码规则属于上海证券交易所,与所选深圳证券交易所不一致,"
        "请核对交易所和股票代码。"
    ]
    page = (await client.get(f"/app/applications/{right['id']}/edit")).text
    assert warnings_on(page) == []
    assert 'id="stock_code-warning"' in page  # the live check's slot, empty

    # It is a warning: the claim is submitted all the same, and the pages keep saying it.
    await ok(await submit(client, org["token"], wrong["id"]))
    await client.get("/lang/en?next=/app")
    page = (await client.get(f"/app/applications/{wrong['id']}")).text
    assert warnings_on(page) == [
        "Stock code 688981 is numbered as a Shanghai Stock Exchange code, not the "
        "Shenzhen Stock Exchange chosen: check the exchange and the code."
    ]

    reviewer = await make_staff(pool, clock, "reviewer")
    await staff_sign_in(client, reviewer)
    page = (await client.get(f"/console/applications/{wrong['id']}")).text
    assert len(warnings_on(page)) == 1 and "属于上海证券交易所" in warnings_on(page)[0]
    assert "辅导备案 2025-06-01" in page and "tutoring" not in page  # stages by name
    r = await client.get(f"/api/v1/applications/{right['id']}", headers=bearer(org["token"]))
    assert r.json()["payload"]["stock_code"] == "688982"
