"""The console's queue shows each item's stage and its wait against the limit, in both
languages, marks those over it in words as well as colour, and can list only those."""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import register
from tests.portal.flows import create, filing_body, ok, submit
from tests.web.test_console_pages import make_staff, sign_in


def _row(page: str, app_id: str) -> str:
    """The table row of an application, its tags stripped to what a reader sees (and its class)."""
    found = re.search(r"<tr([^>]*)>((?:(?!</tr>).)*" + app_id + r".*?)</tr>", page, flags=re.S)
    assert found, app_id
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(2))).strip()
    return f"{found.group(1).strip()} | {text}"


async def test_the_queue_shows_stage_and_age_and_marks_the_overdue(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    org = await register(client, name="武汉超期科技有限公司")
    old = await create(client, org["token"], filing_body(title="早先的大赛"))
    await ok(await submit(client, org["token"], old["id"]))  # Monday 2 March
    clock.set_date(dt.date(2026, 3, 9))
    new = await create(client, org["token"], filing_body(title="新近的大赛"))
    await ok(await submit(client, org["token"], new["id"]))
    clock.set_date(
        dt.date(2026, 3, 10)
    )  # Tuesday: six working days for the first, one for the other

    await sign_in(client, await make_staff(pool, clock, "reviewer"))
    page = (await client.get("/console")).text
    assert "办理环节" in page and "已等待" in page
    assert _row(page, old["id"]).startswith('class="overdue" |')
    assert "市级初审 6 个工作日 / 5 已超期" in _row(page, old["id"])
    assert "市级初审 1 个工作日 / 5" in _row(page, new["id"])
    assert "已超期" not in _row(page, new["id"]) and "overdue" not in _row(page, new["id"])

    only = (await client.get("/console?status=submitted&overdue=1")).text
    assert old["id"] in only and new["id"] not in only
    assert 'name="overdue" value="1" checked' in only

    await client.get("/lang/en?next=/console")
    page = (await client.get("/console")).text
    assert "City review 6 working days / 5 Overdue" in _row(page, old["id"])
    assert "City review 1 working days / 5" in _row(page, new["id"])
    assert "Overdue only" in page
