"""The statistics pages through HTTP: the public one's tables (what screen readers and this test
read) hold the figures in 万元 with the exact yuan, in both languages; the console's shows the
backlog, throughput and budgets, and its downloads work with the session."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.web import i18n
from tests.portal.test_statistics import people, scenario  # noqa: F401 - the fixture
from tests.web.test_console_pages import make_staff, sign_in
from tests.xlsx import read_xlsx


def _row(page: str, table: str, header: str) -> list[str]:
    """The cells of the row of `table` whose header cell is `header`, as text."""
    body = re.search(rf'<table id="{table}">(.*?)</table>', page, re.S)
    assert body, f"no #{table}"
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S):
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] == header:
            return cells[1:]
    raise AssertionError(f"no row {header!r} in #{table}")


async def test_the_public_page_shows_the_figures_in_both_languages(
    client: AsyncTestClient,
    clock: FrozenClock,
    people: dict[str, Any],  # noqa: F811
    pool: asyncpg.Pool,
) -> None:
    await scenario(client, clock, people, pool)
    page = (await client.get("/statistics")).text
    assert '<a href="/statistics">统计数据</a>' in page
    assert "数据截至 2026-05-27 10:00(每分钟更新)" in page
    assert _row(page, "table-program", "人工智能国家级、国际性重大活动支持") == [
        "170.00万元 ¥1,699,999.99",
        "1",
        "170.00万元 ¥1,699,999.99",
        "1",
    ]
    assert _row(page, "table-district", "硚口区") == [
        "200万元 ¥2,000,000.00",
        "2",
        "100万元 ¥1,000,000.00",
        "1",
    ]
    assert _row(page, "table-year", "2026") == [
        "370.00万元 ¥3,699,999.99",
        "3",
        "270.00万元 ¥2,699,999.99",
        "2",
    ]
    assert _row(page, "table-applications", "国家人工智能揭榜挂帅项目奖励") == [
        "3",
        "1",
        "1",
        "1",
        "6",
    ]
    assert "46.5 天" in page and 'data-chart="district"' in page
    assert (
        "script-src 'self'" in (await client.get("/statistics")).headers["content-security-policy"]
    )

    client.cookies.set("lang", "en")
    page = (await client.get("/statistics")).text
    assert "Figures as of 2026-05-27 10:00 (refreshed every minute)" in page
    assert _row(page, "table-district", "Wuchang") == [
        "1.70 million yuan ¥1,699,999.99",
        "1",
        "1.70 million yuan ¥1,699,999.99",
        "1",
    ]
    assert _row(page, "table-program", "Support for national and international AI events")[0] == (
        "1.70 million yuan ¥1,699,999.99"
    )
    assert "46.5 days" in page


async def test_the_console_page_and_its_downloads(
    client: AsyncTestClient,
    clock: FrozenClock,
    people: dict[str, Any],  # noqa: F811
    pool: asyncpg.Pool,
) -> None:
    r = await client.get("/console/statistics", follow_redirects=False)
    assert r.status_code in (302, 303)
    await scenario(client, clock, people, pool)
    await sign_in(client, await make_staff(pool, clock, "auditor"))
    page = (await client.get("/console/statistics")).text
    assert 'href="/console/statistics" aria-current="page"' in page
    assert re.search(r'<tr id="stage-submitted">.*?</tr>', page, re.S)
    assert _row(page, "table-backlog", "待初审") == ["2", "4.5", "7", "1"]
    assert _row(page, "table-backlog", "待复核") == ["1", "5", "5", "0"]
    assert _row(page, "table-backlog", "待公示") == ["1", "5", "5", "—"]
    assert _row(page, "table-budgets", "国家人工智能揭榜挂帅项目奖励") == [
        "500万元 ¥5,000,000.00",
        "100万元 ¥1,000,000.00",
        "100万元 ¥1,000,000.00",
        "300万元 ¥3,000,000.00",
    ]
    totals = re.findall(r"<td class=\"num\"><strong>(\d+)</strong></td>", page)
    assert sorted(totals) == ["3", "5"]
    xlsx = await client.get("/console/statistics.xlsx?year=2026")
    assert xlsx.status_code == 200
    assert read_xlsx(xlsx.content)[0].name == "待办积压"
    csv = await client.get("/console/statistics.csv")
    assert csv.status_code == 200 and "待初审,2,4.5,7,1" in csv.content.decode("utf-8-sig")

    await client.get("/lang/en?next=/console/statistics")
    page = (await client.get("/console/statistics")).text
    assert _row(page, "table-backlog", "Awaiting review") == ["2", "4.5", "7", "1"]
    assert "Decisions in the last 30 days" in page


def test_statistics_words_do_not_shadow_existing_keys() -> None:
    shadowed = {k for k, v in i18n._STATISTICS.items() if i18n.MESSAGES[k] != v}
    assert not shadowed
