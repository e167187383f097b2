"""The daily digest goes to the responsible scope: a district's reviewers get their district's
first reviews, the city's staff the rest by the role that acts; overdue items first, marked."""

from __future__ import annotations

import datetime as dt

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.factories import make_uscc, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, decide, filing_body, ok, submit
from tests.portal.test_queue_stages import HONGSHAN, WUCHANG, center_claim
from tests.workers.harness import deliver_everything, job_ctx
from workers.reminders import daily_digest


async def test_each_staff_member_s_digest_holds_their_scope_s_work(
    client: AsyncTestClient,
    staff: StaffFactory,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    org = await register(client, uscc=make_uscc(HONGSHAN), name="武汉光谷智算中心有限公司")
    center = await center_claim(client, org)  # 洪山's first review, from Monday 2 March
    old = await create(client, org["token"], filing_body(title="早先的大赛"))  # 汉阳's event
    await ok(await submit(client, org["token"], old["id"]))
    await staff("reviewer", email="hongshan@wuhan.gov.cn", districts=(HONGSHAN,))
    await staff("reviewer", "approver", email="wuchang@wuhan.gov.cn", districts=(WUCHANG,))
    reviewer = await staff("reviewer", email="city-rev@wuhan.gov.cn")
    await staff("approver", email="city-appr@wuhan.gov.cn")
    await staff("finance", email="finance@wuhan.gov.cn")
    clock.set_date(dt.date(2026, 3, 9))
    new = await create(client, org["token"], filing_body(title="新近的大赛"))
    await ok(await submit(client, org["token"], new["id"]))
    passed = await create(client, org["token"], filing_body(title="通过的大赛"))
    await ok(await submit(client, org["token"], passed["id"]))
    await ok(await decide(client, reviewer, passed["id"], "pass"))

    clock.set_date(
        dt.date(2026, 3, 10)
    )  # Tuesday: six working days since the 2nd, one since the 9th
    async with job_ctx(settings, clock) as ctx:
        assert await daily_digest(ctx) == 3
        assert await daily_digest(ctx) == 0  # once a day each
    rows = await pool.fetch(
        "SELECT u.email, o.payload FROM outbox o JOIN users u ON u.id = (o.payload->>'user_id')::uuid"
        " WHERE o.topic = 'digest.daily'"
    )
    got = {
        r["email"]: [(i["application_id"], i["stage"], i["overdue"]) for i in r["payload"]["items"]]
        for r in rows
    }
    assert got == {
        "hongshan@wuhan.gov.cn": [(center["id"], "district_review", True)],
        "city-rev@wuhan.gov.cn": [
            (old["id"], "city_review", True),
            (new["id"], "city_review", False),
        ],
        "city-appr@wuhan.gov.cn": [(passed["id"], "approval", False)],
    }  # 武昌's staff and finance: nothing of theirs waits

    await deliver_everything(settings, clock, pool)
    told = {
        r["email"]: (r["title"], r["body"])
        for r in await pool.fetch(
            "SELECT u.email, n.title, n.body FROM notifications n JOIN users u ON u.id = n.user_id"
            " WHERE n.topic = 'digest.daily'"
        )
    }
    assert set(told) == {"hongshan@wuhan.gov.cn", "city-rev@wuhan.gov.cn", "city-appr@wuhan.gov.cn"}
    title, body = told["city-rev@wuhan.gov.cn"]
    assert title == "2026-03-10 待办汇总(超期 1 件)"
    assert body.index("【已超期】— 《早先的大赛》 市级初审,已等待 6 个工作日") < body.index(
        "《新近的大赛》"
    )
    assert "光谷智算中心" not in body and "区初审" not in body
    title, body = told["hongshan@wuhan.gov.cn"]
    assert "【已超期】" in body and "区初审,已等待 6 个工作日(时限 5 个工作日)" in body
    assert "早先的大赛" not in body
