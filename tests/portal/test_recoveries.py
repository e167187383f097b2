"""Recovery, not only a flag: when the overseas 80 % follow-up fails, finance records what is
owed and by when, then each repayment; the budget gets the money back; the firm is told."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer
from tests.portal.conftest import StaffFactory, concurrently
from tests.portal.flows import create, decide, ok, submit
from tests.portal.test_ipo import overseas

AWARD = "6000000.00"


@pytest.fixture
async def paid(client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock) -> str:
    return await paid_award(client, team, clock)


async def paid_award(client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock) -> str:
    """An overseas listing reward, paid, whose 2027 follow-up found too little in Wuhan.

    `team` holds bearer tokens: applicant, reviewer, approver, finance, admin."""
    await ok(
        await client.put(
            "/api/v1/admin/budgets/ipo-overseas/2026",
            json={"allocated": "10000000.00"},
            headers=bearer(team["admin"]),
        )
    )
    app = await create(client, team["applicant"], overseas())
    await ok(await submit(client, team["applicant"], app["id"]))
    await ok(await decide(client, team["reviewer"], app["id"], "pass"))
    await ok(await decide(client, team["approver"], app["id"], "approve"))
    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [app["id"]], "starts_on": clock.today().isoformat()},
            headers=bearer(team["admin"]),
        ),
        201,
    )
    clock.set_date(clock.today() + dt.timedelta(days=14))
    await ok(
        await client.post(
            f"/api/v1/admin/applications/{app['id']}/disbursements",
            json={"paid_on": clock.today().isoformat(), "amount": AWARD, "reference": "P-1"},
            headers=bearer(team["finance"]),
        ),
        201,
    )
    follow_up = {"year": 2027, "raised_total": "100000000.00", "invested_in_wuhan": "70000000.00"}
    done = await ok(
        await client.post(
            f"/api/v1/admin/applications/{app['id']}/follow-ups",
            json=follow_up,
            headers=bearer(team["finance"]),
        ),
        201,
    )
    assert done["recovery_due"] is True
    return str(app["id"])


def recovery_url(app_id: str) -> str:
    return f"/api/v1/admin/applications/{app_id}/recovery"


async def budget(client: AsyncTestClient, admin: str) -> dict[str, str]:
    got = await ok(await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(admin)))
    return next(b for b in got["items"] if b["program"] == "ipo-overseas")


async def test_owed_then_repaid_back_into_the_budget(
    client: AsyncTestClient,
    team: dict[str, Any],
    paid: str,
    clock: FrozenClock,
    pool: asyncpg.Pool,
) -> None:
    assert (await budget(client, team["admin"]))["spent"] == AWARD
    due_on = (clock.today() + dt.timedelta(days=60)).isoformat()
    opened = await ok(
        await client.post(
            recovery_url(paid),
            json={"amount": "1500000.00", "due_on": due_on, "reason": "2027年度在汉投资比例70%"},
            headers=bearer(team["finance"]),
        ),
        201,
    )
    assert opened["recovery"] == {
        "amount": "1500000.00",
        "repaid": "0.00",
        "outstanding": "1500000.00",
        "due_on": due_on,
        "reason": "2027年度在汉投资比例70%",
        "repayments": [],
    }
    r = await client.post(
        recovery_url(paid),
        json={"amount": "1.00", "due_on": due_on, "reason": "again"},
        headers=bearer(team["finance"]),
    )
    assert (r.status_code, r.json()["code"]) == (409, "recovery_exists")

    for amount in ("1000000.00", "500000.00"):
        got = await ok(
            await client.post(
                f"{recovery_url(paid)}/repayments",
                json={"amount": amount, "paid_on": clock.today().isoformat(), "reference": "R"},
                headers=bearer(team["finance"]),
            ),
            201,
        )
    assert got["recovery"]["repaid"] == "1500000.00" and got["recovery"]["outstanding"] == "0.00"
    assert [x["amount"] for x in got["recovery"]["repayments"]] == ["1000000.00", "500000.00"]
    assert (await budget(client, team["admin"]))["spent"] == "4500000.00"
    r = await client.post(
        f"{recovery_url(paid)}/repayments",
        json={"amount": "0.01", "paid_on": clock.today().isoformat(), "reference": "R"},
        headers=bearer(team["finance"]),
    )
    assert (r.status_code, r.json()["code"]) == (422, "amount_exceeds_outstanding")

    # The firm sees what is owed and repaid, and was told of each.
    mine = await ok(
        await client.get(f"/api/v1/applications/{paid}", headers=bearer(team["applicant"]))
    )
    assert mine["recovery"]["outstanding"] == "0.00" and mine["payment"]["amount"] == AWARD
    assert [h["action"] for h in mine["history"]][-3:] == [
        "recovery_opened",
        "recovery_repaid",
        "recovery_repaid",
    ]
    topics = [r["topic"] for r in await pool.fetch("SELECT topic FROM outbox ORDER BY id")]
    assert topics[-3:] == ["recovery.opened", "recovery.repaid", "recovery.repaid"]


async def test_a_recovery_is_refused_where_it_makes_no_sense(
    client: AsyncTestClient, team: dict[str, Any], paid: str, clock: FrozenClock
) -> None:
    due_on = (clock.today() + dt.timedelta(days=60)).isoformat()
    fin = bearer(team["finance"])
    r = await client.post(
        recovery_url(paid),
        json={"amount": "6000000.01", "due_on": due_on, "reason": "x"},
        headers=fin,
    )
    assert (r.status_code, r.json()["code"]) == (422, "amount_exceeds_paid")
    r = await client.post(
        recovery_url(paid), json={"amount": "0.00", "due_on": due_on, "reason": "x"}, headers=fin
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    r = await client.post(
        f"{recovery_url(paid)}/repayments",
        json={"amount": "1.00", "paid_on": clock.today().isoformat(), "reference": "R"},
        headers=fin,
    )
    assert (r.status_code, r.json()["code"]) == (409, "no_recovery")
    for role in ("reviewer", "approver", "auditor", "applicant"):
        r = await client.post(
            recovery_url(paid),
            json={"amount": "1.00", "due_on": due_on, "reason": "x"},
            headers=bearer(team[role]),
        )
        assert r.status_code == 403, role
    unpaid = await create(client, team["applicant"], overseas(stock_code="09999"))
    r = await client.post(
        recovery_url(unpaid["id"]),
        json={"amount": "1.00", "due_on": due_on, "reason": "x"},
        headers=fin,
    )
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")


async def test_concurrent_repayments_never_pass_what_is_owed(
    client: AsyncTestClient, team: dict[str, Any], paid: str, clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    fin = bearer(team["finance"])
    due_on = (clock.today() + dt.timedelta(days=60)).isoformat()
    await ok(
        await client.post(
            recovery_url(paid),
            json={"amount": "1000.00", "due_on": due_on, "reason": "x"},
            headers=fin,
        ),
        201,
    )
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": f"{recovery_url(paid)}/repayments",
                "json": {
                    "amount": "300.00",
                    "paid_on": clock.today().isoformat(),
                    "reference": f"R{i}",
                },
                "headers": fin,
            }
            for i in range(10)
        ],
    )
    assert sorted(r.status_code for r in responses) == [201] * 3 + [422] * 7
    assert await pool.fetchval("SELECT repaid_fen FROM recoveries") == 90000
    assert (await budget(client, team["admin"]))["spent"] == "5999100.00"


async def test_a_districts_staff_follow_up_and_recover_nothing_the_city_does(
    client: AsyncTestClient,
    team: dict[str, Any],
    paid: str,
    staff: StaffFactory,
    clock: FrozenClock,
    pool: asyncpg.Pool,
) -> None:
    district = await pool.fetchval(
        "SELECT district_code FROM applications WHERE id = $1::uuid", paid
    )
    local = bearer(await staff("finance", "admin", districts=(district,)))
    due_on = (clock.today() + dt.timedelta(days=60)).isoformat()
    follow_up = {"year": 2028, "raised_total": "100000000.00", "invested_in_wuhan": "10.00"}
    opened = {"amount": "1500000.00", "due_on": due_on, "reason": "2027年度在汉投资比例70%"}
    repaid = {"amount": "1.00", "paid_on": clock.today().isoformat(), "reference": "R"}
    url = f"/api/v1/admin/applications/{paid}/follow-ups"

    async def refused(url: str, body: dict[str, Any]) -> None:
        r = await client.post(url, json=body, headers=local)
        assert (r.status_code, r.json()["code"]) == (403, "city_decides"), url
        assert "此环节由市级办理" in r.json()["detail"]

    async def state() -> list[Any]:
        return [
            await pool.fetchval(f"SELECT count(*) FROM {t}")
            for t in ("follow_ups", "recoveries", "repayments")
        ] + [(await budget(client, team["admin"]))["spent"]]

    before = await state()
    assert before == [1, 0, 0, AWARD]  # the 2027 follow-up, by the city's finance
    await refused(url, follow_up)
    await refused(recovery_url(paid), opened)
    assert await state() == before
    await ok(
        await client.post(recovery_url(paid), json=opened, headers=bearer(team["finance"])), 201
    )
    await refused(f"{recovery_url(paid)}/repayments", repaid)
    assert await state() == [1, 1, 0, AWARD]

    fin = bearer(team["finance"])
    await ok(await client.post(f"{recovery_url(paid)}/repayments", json=repaid, headers=fin), 201)
    assert (await ok(await client.post(url, json=follow_up, headers=fin), 201))["recovery_due"]
    assert await state() == [2, 1, 1, "5999999.00"]
