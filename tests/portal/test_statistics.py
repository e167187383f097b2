"""Statistics on a database whose applications are in known states: the public figures to the fen
(drafts and personal data absent), kept a minute; the staff's backlog in working days against the
limit, decisions per person, budget use; the role guard; the XLSX and CSV downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from domain.clock import FrozenClock
from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from portal.statistics.cache import PublicFigures
from portal.statistics.schemas import PaymentTime, PublicStatistics, Tally
from tests.factories import PASSWORD, bearer, make_uscc, register, token
from tests.portal.conftest import StaffFactory
from tests.portal.flows import (
    ENDS,
    create,
    decide,
    ok,
    recognized_filing,
    submit,
)
from tests.portal.flows import claim_body as event_claim
from tests.portal.test_scenario_unveiling import unveiling
from tests.xlsx import read_xlsx
from workers.scheduled import close_publicity

PUBLIC = "/api/v1/public/statistics"
STAFF = "/api/v1/admin/statistics"
FIRST_ORG, SECOND_ORG = "武汉统计一号科技有限公司", "武汉统计二号科技有限公司"
MAY = {d: dt.date(2026, 5, d) for d in (18, 20, 25, 27)}  # Mon 18, Wed 20, Mon 25, Wed 27


async def _award(
    client: AsyncTestClient, people: dict[str, Any], token: str, n: int, *steps: str
) -> dict[str, Any]:
    """An unveiling award (1,000,000.00) of its own task, taken through `steps`."""
    app = await create(
        client, token, unveiling(task_name=f"统计任务{n}", certificate_no=f"JBGS-STAT-{n:03d}")
    )
    for step in steps:
        if step == "submit":
            await ok(await submit(client, token, app["id"]))
        else:
            who = people["approver"] if step == "approve" else people["reviewer"]
            await ok(await decide(client, who, app["id"], step))
    return app


async def scenario(
    client: AsyncTestClient, clock: FrozenClock, people: dict[str, Any], pool: asyncpg.Pool
) -> dict[str, Any]:
    """Two organizations (武昌区, 硚口区) and their applications, the clock left on Wednesday
    2026-05-27 10:00:

    - event-support: a recognized filing (decided in March), and its claim cut to 1,699,999.99,
      submitted and decided 05-20 and paid 05-27 (7 days);
    - unveiling-award (硚口区): U1 submitted 03-02, decided 05-20, paid 05-27 (86 days); U2
      approved 05-20 (awaiting publicity); U4 rejected 05-20; U6 passed 05-20 (awaiting approval);
    - unveiling-award (武昌区): U3 submitted 05-18 and U5 submitted 05-25 (awaiting review), and a
      draft.
    """
    first, second = people["applicant"], people["second"]["token"]
    admin = bearer(people["admin"])
    for program, allocated in (("event-support", "10000000.00"), ("unveiling-award", "5000000.00")):
        r = await client.put(
            f"/api/v1/admin/budgets/{program}/2026", json={"allocated": allocated}, headers=admin
        )
        assert r.status_code == 200, r.text
    filing = await recognized_filing(client, first, people["reviewer"], people["approver"])
    u1 = await _award(client, people, second, 1, "submit")
    await _award(client, people, first, 7)  # a draft: never counted

    clock.set_date(MAY[18])
    await _award(client, people, first, 3, "submit")
    clock.set_date(MAY[20])
    assert clock.today() == ENDS + dt.timedelta(days=7)
    claim = await create(client, first, event_claim(filing["id"]))
    await ok(await submit(client, first, claim["id"]))
    cut = {"approved_lines": {"0": "999999.99"}}  # (999,999.99 + 2,400,000.00) × 50 %, truncated
    await ok(await decide(client, people["reviewer"], claim["id"], "pass", **cut))
    await ok(await decide(client, people["approver"], claim["id"], "approve"))
    await ok(await decide(client, people["reviewer"], u1["id"], "pass"))
    await ok(await decide(client, people["approver"], u1["id"], "approve"))
    await _award(client, people, second, 2, "submit", "pass", "approve")
    await _award(client, people, second, 4, "submit", "reject")
    await _award(client, people, second, 6, "submit", "pass")
    r = await client.post(
        "/api/v1/admin/publicity-batches",
        json={"application_ids": [claim["id"], u1["id"]], "starts_on": MAY[20].isoformat()},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    clock.set_date(MAY[25])
    await _award(client, people, first, 5, "submit")
    clock.set_date(MAY[27])
    assert await close_publicity({"pool": pool, "clock": clock}) == 2
    for app, amount in ((claim, "1699999.99"), (u1, "1000000.00")):
        r = await client.post(
            f"/api/v1/admin/applications/{app['id']}/disbursements",
            json={"paid_on": MAY[27].isoformat(), "amount": amount, "reference": f"BK-{amount}"},
            headers=bearer(people["finance"]),
        )
        assert r.status_code == 201, r.text
    return {"claim": claim, "u1": u1}


@pytest.fixture
async def people(client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock) -> dict[str, Any]:
    """A firm in 武昌区 (its applicant's token), a second firm in 硚口区, and one staff member of
    each role (bearer tokens)."""
    first = await register(client, name=FIRST_ORG)
    found: dict[str, Any] = {
        "org": first,
        "applicant": first["token"],
        "second": await register(client, name=SECOND_ORG, uscc=make_uscc("420104")),
    }
    for role in ("reviewer", "approver", "finance", "admin", "auditor"):
        email = f"stats-{role}@wuhan.gov.cn"
        data = StaffUserIn(email=email, password=PASSWORD, name=f"统计{role}", roles=[role])  # type: ignore[list-item]
        await accounts.create_staff_user(pool, clock.now(), "cli", data)
        found[role] = await token(client, email)
    return found


def _tally(approved: str, approved_count: int, paid: str, paid_count: int) -> dict[str, Any]:
    return {
        "approved": approved,
        "approved_count": approved_count,
        "paid": paid,
        "paid_count": paid_count,
    }


async def test_the_public_figures_are_exact_and_hold_no_draft_and_no_person(
    client: AsyncTestClient, clock: FrozenClock, people: dict[str, Any], pool: asyncpg.Pool
) -> None:
    await scenario(client, clock, people, pool)
    r = await client.get(PUBLIC)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["as_of"] == "2026-05-27T10:00:00+08:00"
    assert got["totals"] == _tally("3699999.99", 3, "2699999.99", 2)
    assert got["applications_total"] == 8  # the two drafts are not among them
    assert [(p["program"], p["title_zh"]) for p in got["by_program"]] == [
        ("event-support", "人工智能国家级、国际性重大活动支持"),
        ("unveiling-award", "国家人工智能揭榜挂帅项目奖励"),
    ]
    assert [{k: p[k] for k in _tally("", 0, "", 0)} for p in got["by_program"]] == [
        _tally("1699999.99", 1, "1699999.99", 1),
        _tally("2000000.00", 2, "1000000.00", 1),
    ]
    assert got["by_district"] == [
        {"district": "420104", "name_zh": "硚口区", "name_en": "Qiaokou"}
        | _tally("2000000.00", 2, "1000000.00", 1),
        {"district": "420106", "name_zh": "武昌区", "name_en": "Wuchang"}
        | _tally("1699999.99", 1, "1699999.99", 1),
    ]
    assert got["by_year"] == [{"year": 2026} | _tally("3699999.99", 3, "2699999.99", 2)]
    counts = {
        p["program"]: [p[k] for k in ("in_review", "approved", "paid", "closed", "total")]
        for p in got["applications"]
    }
    assert counts == {"event-support": [0, 1, 1, 0, 2], "unveiling-award": [3, 1, 1, 1, 6]}
    # Paid 7 and 86 days after submission.
    assert got["payment_time"] == {"median_days": 46.5, "payments": 2}
    # Nothing that names an organization, a person or an account.
    for secret in (
        FIRST_ORG,
        SECOND_ORG,
        people["second"]["org"]["uscc"],
        "武汉智算科技有限公司",  # the payee
        "6217000000000001",
        "张三",
        "@",
        "org_id",
    ):
        assert secret not in r.text, secret


async def test_the_public_figures_are_kept_a_minute_and_say_as_of_when(
    client: AsyncTestClient, clock: FrozenClock, people: dict[str, Any]
) -> None:
    await _award(client, people, people["applicant"], 1, "submit")
    first = (await client.get(PUBLIC)).json()
    assert first["applications_total"] == 1
    await _award(client, people, people["applicant"], 2, "submit")
    clock.advance(dt.timedelta(seconds=59))
    assert (await client.get(PUBLIC)).json() == first  # the same figures, as of the same time
    clock.advance(dt.timedelta(seconds=2))
    again = (await client.get(PUBLIC)).json()
    assert again["applications_total"] == 2
    assert again["as_of"] != first["as_of"]


async def test_the_staff_figures_are_kept_a_minute_for_each_scope(
    client: AsyncTestClient, clock: FrozenClock, people: dict[str, Any], staff: StaffFactory
) -> None:
    def waiting(figures: dict[str, Any]) -> int:
        return next(b["count"] for b in figures["backlog"]["stages"] if b["stage"] == "submitted")

    await _award(client, people, people["applicant"], 1, "submit")  # a 武昌区 firm's
    city = await ok(await client.get(STAFF, headers=bearer(people["auditor"])))
    qiaokou = await staff("reviewer", districts=("420104",))
    assert waiting(city) == 1
    assert waiting(await ok(await client.get(STAFF, headers=bearer(qiaokou)))) == 0  # its own
    await _award(client, people, people["applicant"], 2, "submit")
    clock.advance(dt.timedelta(seconds=59))
    assert await ok(await client.get(STAFF, headers=bearer(people["auditor"]))) == city
    clock.advance(dt.timedelta(seconds=2))
    again = await ok(await client.get(STAFF, headers=bearer(people["auditor"])))
    assert waiting(again) == 2 and again["as_of"] != city["as_of"]


def _figures(at: dt.datetime) -> PublicStatistics:
    nothing = Tally(approved="0.00", approved_count=0, paid="0.00", paid_count=0)
    return PublicStatistics(
        as_of=at,
        totals=nothing,
        applications_total=0,
        by_program=[],
        by_district=[],
        by_year=[],
        applications=[],
        payment_time=PaymentTime(median_days=None, payments=0),
    )


async def test_without_redis_each_process_keeps_its_own_figures_a_minute() -> None:
    dead = Redis.from_url("redis://127.0.0.1:9/0", socket_connect_timeout=0.2)
    cache = PublicFigures()
    computed: list[dt.datetime] = []
    now = dt.datetime(2026, 5, 27, 2, 0, tzinfo=dt.UTC)

    async def compute() -> PublicStatistics:
        computed.append(now)
        return _figures(now)

    assert (await cache.get(dead, now, compute)).as_of == now
    assert (await cache.get(dead, now + dt.timedelta(seconds=30), compute)).as_of == now
    later = now + dt.timedelta(seconds=61)
    now = later
    assert (await cache.get(dead, later, compute)).as_of == later
    assert len(computed) == 2
    await dead.aclose()


async def test_the_staff_figures_backlog_throughput_and_budgets(
    client: AsyncTestClient, clock: FrozenClock, people: dict[str, Any], pool: asyncpg.Pool
) -> None:
    await scenario(client, clock, people, pool)
    got = await ok(await client.get(STAFF, headers=bearer(people["auditor"])))
    assert got["today"] == "2026-05-27"
    assert got["backlog"]["default_limit_working_days"] == 5
    stages = {
        b["stage"]: [
            b[k]
            for k in ("count", "median_age_working_days", "oldest_age_working_days", "over_limit")
        ]
        for b in got["backlog"]["stages"]
    }
    assert stages == {
        # 7 working days since Monday the 18th (over the limit of 5), 2 since Monday the 25th.
        "submitted": [2, 4.5, 7, 1],
        "reviewed": [1, 5.0, 5, 0],  # exactly at the limit is not over it
        "approved": [1, 5.0, 5, None],
        "publicized": [0, None, None, None],
        "confirmed": [0, None, None, None],
    }
    through = got["throughput"]
    assert through["days"] == 30 and through["since"] == "2026-04-27T10:00:00+08:00"
    # The filing's March decisions are older than 30 days.
    assert [(p["total"], p["decisions"]) for p in through["reviewers"]] == [
        (5, {"pass": 4, "reject": 1}),
        (3, {"approve": 3}),
    ]
    assert through["total"] == 8
    budgets = {b["program"]: b for b in got["budgets"]["items"]}
    assert got["budgets"]["year"] == 2026
    assert {k: budgets["event-support"][k] for k in ("budget", "reserved", "spent", "left")} == {
        "budget": "10000000.00",
        "reserved": "0.00",
        "spent": "1699999.99",
        "left": "8300000.01",
    }
    assert {k: budgets["unveiling-award"][k] for k in ("budget", "reserved", "spent", "left")} == {
        "budget": "5000000.00",
        "reserved": "1000000.00",
        "spent": "1000000.00",
        "left": "3000000.00",
    }
    assert budgets["unveiling-award"]["title_en"].startswith("Award for national AI")


async def test_the_staff_figures_are_for_staff_only(
    client: AsyncTestClient, people: dict[str, Any]
) -> None:
    for path in (STAFF, f"{STAFF}.xlsx", f"{STAFF}.csv"):
        r = await client.get(path)
        assert r.status_code == 401, path
        r = await client.get(path, headers=bearer(people["applicant"]))
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), path
    r = await client.get(f"{STAFF}?year=1999", headers=bearer(people["reviewer"]))
    assert r.status_code in (400, 422)
    assert (await client.get(PUBLIC)).status_code == 200  # the public's need no one


async def test_the_downloads_hold_the_same_figures_and_no_formula(
    client: AsyncTestClient, clock: FrozenClock, people: dict[str, Any], pool: asyncpg.Pool
) -> None:
    await scenario(client, clock, people, pool)
    await pool.execute(
        "UPDATE users SET name = '=HYPERLINK(\"x\")' WHERE id = (SELECT user_id FROM user_roles"
        " WHERE role = 'approver' LIMIT 1)"
    )
    r = await client.get(f"{STAFF}.xlsx", headers=bearer(people["finance"]))
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == 'attachment; filename="statistics.xlsx"'
    sheets = read_xlsx(r.content)
    assert [s.name for s in sheets] == ["待办积压", "近30天审核量", "预算使用 2026"]
    assert sum(s.formulas for s in sheets) == 0
    backlog, throughput, budgets = (s.rows for s in sheets)
    assert backlog[0] == ["环节", "数量", "等待中位数(工作日)", "最长等待(工作日)", "超过时限"]
    assert backlog[1] == ["待初审", "2", "4.5", "7", "1"]
    assert backlog[4] == ["公示中", "0"]  # no wait, no limit: empty cells
    assert throughput[2][0] == '\'=HYPERLINK("x")'  # text, never a formula
    assert throughput[2][1:] == ["0", "0", "0", "3", "0", "3"]
    unveiling_row = next(row for row in budgets if row[0] == "国家人工智能揭榜挂帅项目奖励")
    assert unveiling_row[1:] == ["5000000.00", "1000000.00", "1000000.00", "3000000.00"]
    event_row = next(row for row in budgets if row[0] == "人工智能国家级、国际性重大活动支持")
    assert event_row[1:] == ["10000000.00", "0.00", "1699999.99", "8300000.01"]  # numbers

    await pool.execute("UPDATE users SET language = 'en'")  # the auditor reads English
    r = await client.get(f"{STAFF}.csv", headers=bearer(people["auditor"]))
    assert r.status_code == 200, r.text
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["Backlog"]
    assert rows[1] == [
        "Stage",
        "Count",
        "Median wait (working days)",
        "Longest wait (working days)",
        "Over the limit",
    ]
    assert rows[2] == ["Awaiting review", "2", "4.5", "7", "1"]
    title = rows.index(["Decisions in the last 30 days"])
    assert rows[title + 3][0] == '\'=HYPERLINK("x")'
    budget = rows.index(["Budget use 2026"])
    unveiling_title = "Award for national AI 揭榜挂帅 (open-competition) task winners"
    amounts = ["5000000.00", "1000000.00", "1000000.00", "3000000.00"]
    assert [unveiling_title, *amounts] in rows[budget:]
    # Each download is on the audit trail.
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM audit_events WHERE action = 'export.downloaded'"
            " AND entity_id IN ('statistics.xlsx', 'statistics.csv')"
        )
        == 2
    )
