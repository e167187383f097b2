"""Listing rewards through HTTP: staged domestic claims, 免申即享 proposals, overseas rewards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, make_uscc, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import PAYEE, decide, definition, ok, submit

DATES = {"tutoring": "2025-06-01", "accepted": "2025-12-01", "listed": "2026-02-20"}


def domestic(stages: list[str], **over: Any) -> dict[str, Any]:
    body = {
        "type": "ipo_domestic_claim",
        "exchange": "SSE",
        "stages": stages,
        "stage_dates": {s: DATES[s] for s in stages},
        "stock_code": "688999",
        "payee": PAYEE,
    }
    return body | over


def overseas(**over: Any) -> dict[str, Any]:
    body = {
        "type": "ipo_overseas_claim",
        "exchange": "HKEX",
        "listed_on": "2026-01-15",
        "raised_total": "100000000.00",
        "invested_in_wuhan": "80000000.00",
        "stock_code": "2599.HK",
        "payee": PAYEE,
    }
    return body | over


@pytest.fixture
async def team(client: AsyncTestClient, staff: StaffFactory) -> dict[str, Any]:
    admin = await staff("admin")
    for program in ("ipo-domestic", "ipo-overseas"):
        await ok(
            await client.put(
                f"/api/v1/admin/budgets/{program}/2026",
                json={"allocated": "100000000.00"},
                headers=bearer(admin),
            )
        )
    org = await register(client, uscc=make_uscc("420111"))
    return {
        "org": org,
        "a": org["token"],
        "rev": await staff("reviewer"),
        "appr": await staff("approver"),
        "admin": admin,
        "fin": await staff("finance"),
    }


async def claim(client: AsyncTestClient, t: dict[str, Any], body: dict[str, Any]) -> Any:
    r = await client.post("/api/v1/applications", json=body, headers=bearer(t["a"]))
    app = await ok(r, 201)
    return await submit(client, t["a"], app["id"]), app["id"]


async def approve(client: AsyncTestClient, t: dict[str, Any], app_id: str) -> dict[str, Any]:
    await ok(await decide(client, t["rev"], app_id, "pass"))
    return await ok(await decide(client, t["appr"], app_id, "approve"))


@pytest.mark.parametrize(
    "sequence",
    [
        [["tutoring"], ["accepted"], ["listed"]],
        [["listed"], ["accepted"], ["tutoring"]],
        [["listed", "tutoring"], ["accepted"]],
        [["accepted"], ["tutoring", "listed"]],
        [["tutoring", "accepted", "listed"]],
    ],
)
async def test_stages_in_any_order_pay_each_once_and_never_past_the_cap(
    client: AsyncTestClient, team: dict[str, Any], sequence: list[list[str]]
) -> None:
    awards = []
    for stages in sequence:
        r, app_id = await claim(client, team, domestic(stages))
        assert r.status_code == 200, r.text
        awards.append((await approve(client, team, app_id))["award"]["amount"])
    total = sum(int(a.replace(".", "")) for a in awards)
    assert total == 800_000_000
    for stage in ("tutoring", "accepted", "listed"):
        r, _ = await claim(client, team, domestic([stage]))
        assert (r.status_code, r.json()["code"]) == (409, "stage_already_paid")


async def test_a_listing_claim_is_titled_by_names_not_codes(
    client: AsyncTestClient, team: dict[str, Any]
) -> None:
    r = await client.post(
        "/api/v1/applications",
        json=domestic(["listed", "tutoring"]),
        headers=bearer(team["a"]),
    )
    app = await ok(r, 201)
    listed = await ok(await client.get("/api/v1/applications", headers=bearer(team["a"])))
    [mine] = [x for x in listed["items"] if x["id"] == app["id"]]
    assert mine["title"] == "上海证券交易所 688999 上市奖励 辅导备案、成功上市"


async def test_cap_reached_under_a_smaller_cap(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock
) -> None:
    rule = await definition(client, "ipo-domestic")
    rule["award"][0]["amounts"] = {
        "tutoring": "2000000.00",
        "accepted": "2000000.00",
        "listed": "4000000.00",
    }
    rule["award"][1]["total"] = "3000000.00"
    body = {
        "effective_from": clock.today().isoformat(),
        "effective_to": "2027-05-31",
        "params": rule,
    }
    await ok(
        await client.post(
            "/api/v1/admin/programs/ipo-domestic/versions",
            json=body | {"publish": True},
            headers=bearer(team["admin"]),
        ),
        201,
    )
    _, first = await claim(client, team, domestic(["tutoring"]))
    assert (await approve(client, team, first))["award"]["amount"] == "2000000.00"
    _, second = await claim(client, team, domestic(["accepted"]))
    got = await approve(client, team, second)
    assert (got["award"]["amount"], got["award"]["capped"]) == ("1000000.00", True)
    r, _ = await claim(client, team, domestic(["listed"]))
    assert (r.status_code, r.json()["code"]) == (409, "cap_reached")


async def test_not_registered_in_wuhan(client: AsyncTestClient, team: dict[str, Any]) -> None:
    sz = await register(client, uscc=make_uscc("440300"))
    app = await ok(
        await client.post(
            "/api/v1/applications", json=domestic(["tutoring"]), headers=bearer(sz["token"])
        ),
        201,
    )
    r = await submit(client, sz["token"], app["id"])
    assert (r.status_code, r.json()["code"]) == (422, "not_registered_in_wuhan")


async def test_domestic_and_overseas_are_exclusive(
    client: AsyncTestClient, team: dict[str, Any]
) -> None:
    r, _ = await claim(client, team, overseas())
    assert r.status_code == 200
    r, _ = await claim(client, team, domestic(["tutoring"]))
    assert (r.status_code, r.json()["code"]) == (409, "program_exclusive")


async def test_proposal_from_disclosure_to_payment(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock
) -> None:
    body = {
        "uscc": team["org"]["org"]["uscc"],
        "exchange": "SZSE",
        "stages": ["tutoring"],
        "stage_dates": {"tutoring": "2026-02-10"},
        "stock_code": "301999",
        "disclosure": "湖北证监局辅导备案公示 2026-02-10",
    }
    r = await client.post("/api/v1/admin/ipo-proposals", json=body, headers=bearer(team["a"]))
    assert r.status_code == 403
    proposal = await ok(
        await client.post("/api/v1/admin/ipo-proposals", json=body, headers=bearer(team["rev"])),
        201,
    )
    assert (proposal["status"], proposal["org_id"]) == ("draft", team["org"]["org"]["id"])
    assert proposal["amount_requested"] == "2000000.00"
    # The firm finds it, cannot submit without its payee, confirms the payee and submits.
    mine = (await client.get("/api/v1/applications", headers=bearer(team["a"]))).json()["items"]
    assert [x["id"] for x in mine] == [proposal["id"]]
    r = await submit(client, team["a"], proposal["id"])
    assert (r.status_code, r.json()["code"]) == (422, "required")
    # Meanwhile the firm claims the same stage itself: the two never pay it twice.
    r, own = await claim(client, team, domestic(["tutoring", "accepted"]))
    assert r.status_code == 200
    await ok(
        await client.patch(
            f"/api/v1/applications/{proposal['id']}",
            json={"payee": PAYEE},
            headers=bearer(team["a"]),
        )
    )
    r = await submit(client, team["a"], proposal["id"])
    assert (r.status_code, r.json()["code"]) == (409, "stage_already_paid")
    await ok(await client.post(f"/api/v1/applications/{own}/withdraw", headers=bearer(team["a"])))
    await ok(await submit(client, team["a"], proposal["id"]))
    approved = await approve(client, team, proposal["id"])
    assert approved["award"]["amount"] == "2000000.00"
    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [proposal["id"]], "starts_on": clock.today().isoformat()},
            headers=bearer(team["admin"]),
        ),
        201,
    )
    clock.set_date(clock.today() + dt.timedelta(days=14))
    paid = await ok(
        await client.post(
            f"/api/v1/admin/applications/{proposal['id']}/disbursements",
            json={"paid_on": clock.today().isoformat(), "amount": "2000000.00", "reference": "P"},
            headers=bearer(team["fin"]),
        ),
        201,
    )
    assert paid["status"] == "disbursed"
    assert paid["history"][0]["action"] == "proposed"


async def test_overseas_rules(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, staff: StaffFactory
) -> None:
    cases = [
        (overseas(invested_in_wuhan="79999999.99"), 422, "funds_not_in_wuhan"),
        (overseas(exchange="SSE"), 422, "exchange_not_eligible"),
        (overseas(exchange="XETR"), 422, "exchange_not_eligible"),
        (overseas(listed_on="2026-04-01"), 422, "call_closed"),
        (overseas(raised_total=None), 422, "required"),
    ]
    for body, status, code in cases:
        r, _ = await claim(client, team, body)
        assert (r.status_code, r.json()["code"]) == (status, code), (body, r.text)
    # An exchange that leaves the list counts as of the listing date.
    body = {
        "valid_from": "2026-02-01",
        "name_zh": "香港交易所",
        "name_en": "HKEX",
        "market": "overseas",
        "jurisdiction": "HK",
        "eligible": False,
    }
    await ok(
        await client.put("/api/v1/admin/exchanges/HKEX", json=body, headers=bearer(team["admin"]))
    )
    r, _ = await claim(client, team, overseas())  # listed 2026-01-15, still eligible then
    assert r.status_code == 200, r.text
    r, _ = await claim(client, team, overseas())
    assert (r.status_code, r.json()["code"]) == (409, "claim_exists")
    clock.set_date(dt.date(2026, 7, 1))
    other = await register(client)
    app = await ok(
        await client.post("/api/v1/applications", json=overseas(), headers=bearer(other["token"])),
        201,
    )
    r = await submit(client, other["token"], app["id"])
    assert (r.status_code, r.json()["code"]) == (422, "call_closed")


async def test_overseas_paid_then_followed_up(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock
) -> None:
    r, app_id = await claim(client, team, overseas())
    approved = await approve(client, team, app_id)
    assert approved["award"]["amount"] == "6000000.00"
    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [app_id], "starts_on": clock.today().isoformat()},
            headers=bearer(team["admin"]),
        ),
        201,
    )
    clock.set_date(clock.today() + dt.timedelta(days=14))
    await ok(
        await client.post(
            f"/api/v1/admin/applications/{app_id}/disbursements",
            json={"paid_on": clock.today().isoformat(), "amount": "6000000.00", "reference": "P"},
            headers=bearer(team["fin"]),
        ),
        201,
    )
    ok_year = {"year": 2026, "raised_total": "100000000.00", "invested_in_wuhan": "85000000.00"}
    out = await ok(
        await client.post(
            f"/api/v1/admin/applications/{app_id}/follow-ups",
            json=ok_year,
            headers=bearer(team["fin"]),
        ),
        201,
    )
    assert out["recovery_due"] is False
    got = (await client.get(f"/api/v1/applications/{app_id}", headers=bearer(team["rev"]))).json()
    assert got["flags"] == []
    bad_year = {"year": 2027, "raised_total": "100000000.00", "invested_in_wuhan": "70000000.00"}
    out = await ok(
        await client.post(
            f"/api/v1/admin/applications/{app_id}/follow-ups",
            json=bad_year,
            headers=bearer(team["fin"]),
        ),
        201,
    )
    assert out["recovery_due"] is True
    got = (await client.get(f"/api/v1/applications/{app_id}", headers=bearer(team["rev"]))).json()
    assert [f["code"] for f in got["flags"]] == ["recovery_due"]
    r = await client.post(
        f"/api/v1/admin/applications/{app_id}/follow-ups", json=bad_year, headers=bearer(team["a"])
    )
    assert r.status_code == 403
