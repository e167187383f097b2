"""Budgets held by the city and by each district: article 二's computing-centre match, half the
city's and half the district's, is reserved from both budgets in the approval's one transaction,
refused whole when either is short, and paid, released and refunded budget by budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, make_uscc, register
from tests.portal.conftest import StaffFactory, concurrently
from tests.portal.flows import PAYEE, create, decide, lodge_objection, ok, submit
from tests.portal.test_objections import resolve
from tests.portal.test_program_claims import attach

CODE = "computing-center-match"
HONGSHAN, WUCHANG = "420111", "420106"
# 3,000,000.01 matched whole: the city 1,500,000.00, the district what truncation left.
SUBSIDY, CITY_HALF, DISTRICT_HALF = "3000000.01", "1500000.00", "1500000.01"


@pytest.fixture
async def cast(client: AsyncTestClient, staff: StaffFactory) -> dict[str, str]:
    return {
        "admin": await staff("admin"),
        "hongshan": await staff("reviewer", districts=(HONGSHAN,)),  # the district reviews first
        "approver": await staff("approver"),  # the city decides
        "finance": await staff("finance"),
    }


async def allocate(client: AsyncTestClient, admin: str, funder: str, allocated: str) -> Any:
    return await client.put(
        f"/api/v1/admin/budgets/{CODE}/2026",
        json={"allocated": allocated, "funder": funder},
        headers=bearer(admin),
    )


async def reviewed_claim(
    client: AsyncTestClient, cast: dict[str, str], district: str = HONGSHAN, name: str = "光谷"
) -> str:
    """A match claim from a centre in `district`, passed by that district's reviewer."""
    org = await register(client, uscc=make_uscc(district), name=f"武汉{name}智算有限公司")
    body = {
        "type": "program_claim",
        "program_code": CODE,
        "fields": {
            "center_name": f"{name}智算中心",
            "subsidy_year": 2025,
            "provincial_subsidy": SUBSIDY,
        },
        "payee": PAYEE,
        "documents": await attach(client, org["token"], "approval", "receipt"),
    }
    claim = await create(client, org["token"], body)
    await ok(await submit(client, org["token"], claim["id"]))
    reviewer = cast["hongshan"] if district == HONGSHAN else cast["wuchang"]
    await ok(await decide(client, reviewer, claim["id"], "pass"))
    return str(claim["id"])


async def budgets(client: AsyncTestClient, token: str) -> dict[str, dict[str, str]]:
    """The program's rows of GET /admin/budgets, by funder."""
    got = await ok(await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(token)))
    return {b["funder"]: b for b in got["items"] if b["program"] == CODE}


def used(rows: dict[str, dict[str, str]]) -> dict[str, tuple[str, str]]:
    return {funder: (b["reserved"], b["spent"]) for funder, b in rows.items()}


async def test_the_match_is_reserved_half_from_each_budget_then_paid_and_refunded_from_each(
    client: AsyncTestClient, cast: dict[str, str], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    for funder, allocated in (("city", "50000000.00"), (HONGSHAN, "20000000.00")):
        await ok(await allocate(client, cast["admin"], funder, allocated))
    await ok(await allocate(client, cast["admin"], WUCHANG, "9000000.00"))  # another district's
    claim = await reviewed_claim(client, cast)
    approved = await ok(await decide(client, cast["approver"], claim, "approve"))
    assert approved["award"]["amount"] == SUBSIDY
    rows = await budgets(client, cast["admin"])
    assert used(rows) == {
        "city": (CITY_HALF, "0.00"),
        HONGSHAN: (DISTRICT_HALF, "0.00"),
        WUCHANG: ("0.00", "0.00"),
    }
    assert rows[HONGSHAN]["available"] == "18499999.99"
    # The district's staff see the city's budgets and their own district's, not another's.
    theirs = await budgets(client, cast["hongshan"])
    assert set(theirs) == {"city", HONGSHAN}

    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [claim], "starts_on": clock.today().isoformat()},
            headers=bearer(cast["admin"]),
        ),
        201,
    )
    clock.set_date(clock.today() + dt.timedelta(days=14))
    paid = {"paid_on": clock.today().isoformat(), "amount": SUBSIDY, "reference": "BK-1"}
    url = f"/api/v1/admin/applications/{claim}"
    await ok(
        await client.post(f"{url}/disbursements", json=paid, headers=bearer(cast["finance"])), 201
    )
    assert used(await budgets(client, cast["admin"])) == {
        "city": ("0.00", CITY_HALF),
        HONGSHAN: ("0.00", DISTRICT_HALF),
        WUCHANG: ("0.00", "0.00"),
    }

    # A third won back: each budget gets its share of each repayment, and they add up.
    recovery = {"amount": "1000000.01", "due_on": "2026-12-31", "reason": "中心停运"}
    await ok(
        await client.post(f"{url}/recovery", json=recovery, headers=bearer(cast["finance"])), 201
    )
    repaid = {"paid_on": clock.today().isoformat(), "amount": "1000000.01", "reference": "R-1"}
    r = await client.post(
        f"{url}/recovery/repayments", json=repaid, headers=bearer(cast["finance"])
    )
    await ok(r, 201)
    assert used(await budgets(client, cast["admin"])) == {
        "city": ("0.00", "999999.99"),
        HONGSHAN: ("0.00", "1000000.01"),
        WUCHANG: ("0.00", "0.00"),
    }


async def test_a_short_district_budget_refuses_the_whole_approval(
    client: AsyncTestClient, cast: dict[str, str], staff: StaffFactory, pool: asyncpg.Pool
) -> None:
    await ok(await allocate(client, cast["admin"], "city", "50000000.00"))
    await ok(await allocate(client, cast["admin"], HONGSHAN, "1500000.00"))  # a fen short
    claim = await reviewed_claim(client, cast)
    r = await decide(client, cast["approver"], claim, "approve")
    assert (r.status_code, r.json()["code"]) == (409, "budget_exhausted")
    assert "洪山区" in r.json()["detail"] and "¥1,500,000.00" in r.json()["detail"]
    assert "¥1,500,000.01" in r.json()["detail"]  # what the district's share needs
    # Nothing was reserved, the city's half included; the claim waits as it was.
    assert used(await budgets(client, cast["admin"])) == {
        "city": ("0.00", "0.00"),
        HONGSHAN: ("0.00", "0.00"),
    }
    got = await ok(
        await client.get(f"/api/v1/applications/{claim}", headers=bearer(cast["approver"]))
    )
    assert got["status"] == "reviewed" and got["award"] is None
    assert await pool.fetchval("SELECT count(*) FROM award_funding") == 0

    # A district with no budget set at all: refused the same way, saying so.
    cast["wuchang"] = await staff("reviewer", districts=(WUCHANG,))
    elsewhere = await reviewed_claim(client, cast, WUCHANG, "武昌")
    r = await decide(client, cast["approver"], elsewhere, "approve")
    assert (r.status_code, r.json()["code"]) == (409, "budget_exhausted")
    assert "武昌区尚未设置" in r.json()["detail"]
    assert used(await budgets(client, cast["admin"]))["city"] == ("0.00", "0.00")


async def test_two_approvals_at_once_where_the_district_budget_fits_one(
    client: AsyncTestClient, cast: dict[str, str], pool: asyncpg.Pool
) -> None:
    await ok(await allocate(client, cast["admin"], "city", "50000000.00"))
    await ok(await allocate(client, cast["admin"], HONGSHAN, "2000000.00"))
    claims = [await reviewed_claim(client, cast, name=n) for n in ("光谷", "东湖")]
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": f"/api/v1/admin/applications/{c}/decisions",
                "json": {"action": "approve", "comment": "同意", "declare_no_conflict": True},
                "headers": bearer(cast["approver"]),
            }
            for c in claims
        ],
    )
    outcomes = sorted(
        (r.status_code, r.json()["status"] if r.status_code == 200 else r.json()["code"])
        for r in responses
    )
    assert outcomes == [(200, "approved"), (409, "budget_exhausted")], outcomes
    # Exactly one award on both budgets, to the fen; the refused one reserved nothing anywhere.
    assert used(await budgets(client, cast["admin"])) == {
        "city": (CITY_HALF, "0.00"),
        HONGSHAN: (DISTRICT_HALF, "0.00"),
    }
    funded = await pool.fetch("SELECT funder, amount_fen FROM award_funding ORDER BY funder")
    assert [tuple(f) for f in funded] == [(HONGSHAN, 150_000_001), ("city", 150_000_000)]


async def test_an_upheld_objection_releases_both_halves(
    client: AsyncTestClient, cast: dict[str, str], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    await ok(await allocate(client, cast["admin"], "city", "50000000.00"))
    await ok(await allocate(client, cast["admin"], HONGSHAN, "20000000.00"))
    claim = await reviewed_claim(client, cast)
    await ok(await decide(client, cast["approver"], claim, "approve"))
    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [claim], "starts_on": clock.today().isoformat()},
            headers=bearer(cast["admin"]),
        ),
        201,
    )
    objection = await ok(await lodge_objection(client, claim, "省级补贴并未到账"), 201)
    await ok(await resolve(client, cast["approver"], objection["id"], "upheld", "异议属实"))
    assert used(await budgets(client, cast["admin"])) == {
        "city": ("0.00", "0.00"),
        HONGSHAN: ("0.00", "0.00"),
    }
    assert await pool.fetchval("SELECT count(*) FROM award_funding") == 0


async def test_a_budget_is_the_citys_or_a_wuhan_districts(
    client: AsyncTestClient, cast: dict[str, str], staff: StaffFactory
) -> None:
    set_ = await ok(await allocate(client, cast["admin"], HONGSHAN, "1000000.00"))
    assert (set_["funder"], set_["allocated"], set_["available"]) == (
        HONGSHAN,
        "1000000.00",
        "1000000.00",
    )
    r = await client.put(
        f"/api/v1/admin/budgets/{CODE}/2026",
        json={"allocated": "1.00"},
        headers=bearer(cast["admin"]),
    )
    assert (await ok(r))["funder"] == "city"  # no funder: the city's, as before districts
    for funder in ("province", "110101", "420100"):
        r = await allocate(client, cast["admin"], funder, "1.00")
        assert (r.status_code, r.json()["code"]) == (422, "invalid_input"), funder
        assert "武汉市某区的行政区划代码(420102–420117)" in r.json()["errors"][0]["message"]
    # A district's admin sets their own district's budget, not the city's nor another's.
    hongshan_admin = await staff("admin", districts=(HONGSHAN,))
    await ok(await allocate(client, hongshan_admin, HONGSHAN, "2000000.00"))
    for funder in ("city", WUCHANG):
        r = await allocate(client, hongshan_admin, funder, "1.00")
        assert (r.status_code, r.json()["code"]) == (403, "outside_scope"), funder
    assert {f: b["allocated"] for f, b in (await budgets(client, cast["admin"])).items()} == {
        "city": "1.00",
        HONGSHAN: "2000000.00",
    }
