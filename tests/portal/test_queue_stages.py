"""The work queue says who acts next on each application, how many working days it has waited
in its status, and whether that is over its program's limit (counted as the statistics count)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, make_uscc, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import PAYEE, create, decide, filing_body, ok, submit
from tests.portal.test_program_claims import attach

HONGSHAN, WUCHANG = "420111", "420106"
MONDAY = dt.date(2026, 3, 2)  # the test clock's day: submitted then


async def center_claim(client: AsyncTestClient, org: dict[str, Any]) -> dict[str, Any]:
    """A computing-centre match, submitted: its district reviews it first (区初审)."""
    docs = await attach(client, org["token"], "approval", "receipt")
    body = {
        "type": "program_claim",
        "program_code": "computing-center-match",
        "fields": {
            "center_name": "光谷智算中心",
            "subsidy_year": 2025,
            "provincial_subsidy": "3000000.00",
        },
        "payee": PAYEE,
        "documents": docs,
    }
    claim = await create(client, org["token"], body)
    await ok(await submit(client, org["token"], claim["id"]))
    return claim


async def _queue(client: AsyncTestClient, token: str, **params: str) -> dict[str, dict[str, Any]]:
    r = await client.get("/api/v1/admin/applications", params=params, headers=bearer(token))
    assert r.status_code == 200, r.text
    return {i["id"]: i for i in r.json()["items"]}


def _aged(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["stage"], item["age_working_days"], item["sla_working_days"], item["overdue"])


async def test_each_item_has_its_stage_and_age_against_the_limit(
    client: AsyncTestClient, staff: StaffFactory, clock: FrozenClock
) -> None:
    org = await register(client, uscc=make_uscc(HONGSHAN), name="武汉光谷智算中心有限公司")
    reviewer, approver = await staff("reviewer"), await staff("approver")
    waiting = await create(client, org["token"], filing_body())
    await ok(await submit(client, org["token"], waiting["id"]))
    passed = await create(client, org["token"], filing_body(title="第二届大赛"))
    await ok(await submit(client, org["token"], passed["id"]))
    center = await center_claim(client, org)
    draft = await create(client, org["token"], filing_body(title="草稿大赛"))
    clock.set_date(MONDAY + dt.timedelta(days=2))  # Wednesday: passed, now the approver's
    await ok(await decide(client, reviewer, passed["id"], "pass"))

    clock.set_date(dt.date(2026, 3, 8))  # Sunday: Tuesday to Friday have passed
    items = await _queue(client, approver)
    assert _aged(items[waiting["id"]]) == ("city_review", 4, 5, False)
    assert _aged(items[passed["id"]]) == ("approval", 2, 5, False)
    assert _aged(items[center["id"]]) == ("district_review", 4, 5, False)
    assert _aged(items[draft["id"]]) == ("applicant", 4, None, False)

    clock.set_date(dt.date(2026, 3, 9))  # Monday: five working days, the limit, not over it
    items = await _queue(client, approver)
    assert _aged(items[waiting["id"]]) == ("city_review", 5, 5, False)
    assert _aged(items[center["id"]]) == ("district_review", 5, 5, False)
    assert await _queue(client, approver, overdue="true") == {}

    clock.set_date(dt.date(2026, 3, 10))  # Tuesday: six, over it
    items = await _queue(client, approver)
    assert _aged(items[waiting["id"]]) == ("city_review", 6, 5, True)
    assert _aged(items[center["id"]]) == ("district_review", 6, 5, True)
    assert _aged(items[passed["id"]]) == ("approval", 4, 5, False)
    assert _aged(items[draft["id"]]) == ("applicant", 6, None, False)  # no limit: never overdue
    overdue = await _queue(client, approver, overdue="true")
    assert set(overdue) == {waiting["id"], center["id"]}
    # With the scope's: a district's staff see their district's overdue item only (the events'
    # filings are 汉阳's, where the events are held).
    wuchang = await staff("reviewer", districts=(WUCHANG,))
    assert await _queue(client, wuchang, overdue="true") == {}
    hongshan = await staff("reviewer", districts=(HONGSHAN,))
    assert set(await _queue(client, hongshan, overdue="true")) == {center["id"]}


async def test_a_program_version_sets_its_own_limit(
    client: AsyncTestClient, staff: StaffFactory, clock: FrozenClock
) -> None:
    """An admin writes `review_sla_working_days` into a version: its items are overdue sooner."""
    admin = await staff("admin")
    found = (await client.get("/api/v1/programs/computing-center-match")).json()["program"]
    url = "/api/v1/admin/programs/computing-center-match/versions"
    body = {
        "effective_from": clock.today().isoformat(),
        "effective_to": "2027-05-31",
        "params": found["params"] | {"review_sla_working_days": 2},
        "publish": True,
    }
    r = await client.post(url, json=body, headers=bearer(admin))
    assert r.status_code == 201, r.text
    r = await client.post(
        url,
        json=body | {"params": found["params"] | {"review_sla_working_days": 0}},
        headers=bearer(admin),
    )
    assert r.status_code == 422, r.text
    org = await register(client, uscc=make_uscc(HONGSHAN))
    claim = await center_claim(client, org)
    clock.set_date(MONDAY + dt.timedelta(days=3))  # Thursday: three working days on
    item = (await _queue(client, await staff("reviewer", districts=(HONGSHAN,))))[claim["id"]]
    assert _aged(item) == ("district_review", 3, 2, True)


async def test_an_admins_holiday_counts_in_the_queue_at_once(
    client: AsyncTestClient, staff: StaffFactory, clock: FrozenClock
) -> None:
    org = await register(client, uscc=make_uscc(HONGSHAN))
    claim = await center_claim(client, org)
    clock.set_date(MONDAY + dt.timedelta(days=3))  # Thursday: three working days on
    reviewer = await staff("reviewer", districts=(HONGSHAN,))
    assert (await _queue(client, reviewer))[claim["id"]]["age_working_days"] == 3
    r = await client.put(
        f"/api/v1/admin/calendar/{(MONDAY + dt.timedelta(days=2)).isoformat()}",
        json={"kind": "holiday", "name_zh": "停工", "name_en": "Closed"},
        headers=bearer(await staff("admin")),
    )
    assert r.status_code == 200, r.text
    assert (await _queue(client, reviewer))[claim["id"]]["age_working_days"] == 2
