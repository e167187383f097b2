"""The console's budgets page with budgets by funder: a row for the city's budget and one for
each district's, a funder select on the city's row to open a district's, the chart a bar a
program (its funders added up), and a district's staff seeing only the city's and their own."""

from __future__ import annotations

import re

import asyncpg
import msgspec
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from tests.factories import PASSWORD
from tests.web.test_console_pages import error_near, make_staff, post_form, sign_in

URL = "/console/budgets/computing-center-match/2026"
PAGE = "/console/budgets?year=2026"


def row(page: str, key: str) -> str:
    match = re.search(rf'<tr id="budget-{key}">(.*?)</tr>', page, flags=re.S)
    assert match, f"no row {key}"
    return match.group(1)


async def test_an_admin_opens_a_districts_budget_from_the_citys_row(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    csrf = await sign_in(client, await make_staff(pool, clock, "admin"))
    page = (await client.get(PAGE)).text
    select = page.split('id="funder-computing-center-match"')[1].split("</select>")[0]
    assert '<option value="city" selected>市级</option>' in select
    assert '<option value="420111">洪山区</option>' in select
    assert 'id="budget-computing-center-match-420111"' not in page  # no district's yet

    opened = {"row": "city", "funder": "420111", "allocated": "2000000"}
    assert (await post_form(client, URL, csrf, opened)).status_code == 303
    city = {"row": "city", "funder": "city", "allocated": "1000000.00"}
    assert (await post_form(client, URL, csrf, city)).status_code == 303
    page = (await client.get(PAGE)).text
    district = row(page, "computing-center-match-420111")
    assert "洪山区" in district and "¥2,000,000.00" in district and "200万元" in district
    assert 'type="hidden" name="funder" value="420111"' in district
    assert "¥1,000,000.00" in row(page, "computing-center-match")
    # The chart: one bar for the program, its city's and district's budgets together.
    data = re.search(r'<script type="application/json" id="budget-data">(.*?)</script>', page)
    assert data
    chart = msgspec.json.decode(data.group(1))
    i = chart["programs"].index("超(智)算中心省级补贴配套奖励")
    assert chart["programs"].count("超(智)算中心省级补贴配套奖励") == 1
    assert chart["series"]["allocated"][i] == 300_000_000

    # A refusal is said on the row whose form was sent.
    r = await post_form(
        client, URL, csrf, {"row": "420111", "funder": "420111", "allocated": "abc"}
    )
    assert r.status_code == 422 and error_near(
        r.text, "err-computing-center-match-420111-allocated"
    )
    r = await post_form(client, URL, csrf, {"row": "city", "funder": "110101", "allocated": "1"})
    assert r.status_code == 422
    assert "420102–420117" in error_near(r.text, "err-computing-center-match-funder")

    client.cookies.delete("lang")
    await client.get("/lang/en?next=/console")
    district = row((await client.get(PAGE)).text, "computing-center-match-420111")
    assert "Hongshan" in district and "洪山" not in district


async def test_a_districts_staff_see_the_citys_budgets_and_their_own(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    for funder in ("city", "420111", "420106"):
        await pool.execute(
            "INSERT INTO budgets (program_code, year, funder, allocated_fen, updated_at)"
            " VALUES ('computing-center-match', 2026, $1, 100000000, now())",
            funder,
        )
    data = StaffUserIn(
        email="wuchang@wuhan.gov.cn",
        password=PASSWORD,
        name="武昌职员",
        roles=["reviewer"],
        districts=["420106"],
    )
    await accounts.create_staff_user(pool, clock.now(), "cli", data)
    await sign_in(client, "wuchang@wuhan.gov.cn")
    page = (await client.get(PAGE)).text
    assert "¥1,000,000.00" in row(page, "computing-center-match")
    assert "武昌区" in row(page, "computing-center-match-420106")
    assert 'id="budget-computing-center-match-420111"' not in page and "洪山区" not in page
    assert 'action="/console/budgets/' not in page  # a reviewer reads, sets nothing
