"""Programs, the public estimate, versions, exchanges and budgets through HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import definition, event_rule

CODES = {"event-support", "ipo-domestic", "ipo-overseas", "scenario-project", "unveiling-award"}
# The policy's other money articles, as programs defined as data (API.md).
DEFINED = {
    "key-rd-project",
    "computing-center-match",
    "vertical-model",
    "vertical-model-compute",
    "public-platform-award",
    "pilot-platform-support",
    "little-giant-reward",
    "unicorn-reward",
    "ai-park-award",
    "cluster-award",
}


async def test_programs_list_with_policy_defaults(client: AsyncTestClient) -> None:
    r = await client.get("/api/v1/programs")
    assert r.status_code == 200
    items = {p["code"]: p for p in r.json()["items"]}
    assert set(items) == CODES | DEFINED
    ev = items["event-support"]
    assert (ev["article"], ev["version"], ev["kind"], ev["in_effect"]) == (
        "十一",
        1,
        "defined",
        True,
    )
    assert ev["params"]["award"] == [
        {"op": "input", "field": "expense_lines"},
        {"op": "rate", "bp": 5000},
        {"op": "cap", "amount": "2000000.00"},
    ]
    assert ev["params"]["prior"]["eligibility"][0] == {
        "rule": "deadline",
        "field": "starts_on",
        "days": 30,
        "code": "filing_too_late",
    }
    assert ev["params"]["eligibility"][0]["to_days"] == 90
    domestic = items["ipo-domestic"]["params"]["award"]
    assert domestic[0]["amounts"] == {
        "tutoring": "2000000.00",
        "accepted": "2000000.00",
        "listed": "4000000.00",
    }
    assert domestic[1]["total"] == "8000000.00"
    assert items["ipo-overseas"]["params"]["award"][0]["amount"] == "6000000.00"
    assert items["scenario-project"]["params"]["award"][1:] == [
        {"op": "rate", "bp": 3000},
        {"op": "cap", "amount": "1000000.00"},
    ]
    assert items["unveiling-award"]["params"]["award"][0]["amount"] == "1000000.00"
    for p in items.values():
        assert p["title_zh"] and p["title_en"]


async def estimate(client: AsyncTestClient, code: str, body: Any, lang: str = "en") -> Any:
    return await client.post(
        f"/api/v1/programs/{code}/estimate", json=body, headers={"Accept-Language": lang}
    )


@pytest.mark.parametrize(
    ("code", "body", "amount", "capped"),
    [
        ("event-support", {"eligible_costs": "4000000.00"}, "2000000.00", False),
        ("event-support", {"eligible_costs": "4000000.02"}, "2000000.00", True),
        ("event-support", {"eligible_costs": "3999999.99"}, "1999999.99", False),
        ("event-support", {"eligible_costs": "0.01"}, "0.00", False),
        ("event-support", {"eligible_costs": "1.01"}, "0.50", False),
        ("scenario-project", {"total_investment": "3333333.33"}, "999999.99", False),
        ("scenario-project", {"total_investment": "5000000"}, "1000000.00", True),
        ("ipo-domestic", {"stages": ["listed", "tutoring"]}, "6000000.00", False),
        (
            "ipo-domestic",
            {"stages": ["tutoring", "accepted", "listed"], "already_paid": "2000000.00"},
            "6000000.00",
            True,
        ),
        (
            "ipo-overseas",
            {
                "exchange": "HKEX",
                "raised_total": "100000000.00",
                "invested_in_wuhan": "80000000.00",
            },
            "6000000.00",
            False,
        ),
        ("unveiling-award", {}, "1000000.00", False),
    ],
)
async def test_estimate(
    client: AsyncTestClient, code: str, body: Any, amount: str, capped: bool
) -> None:
    r = await estimate(client, code, body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["amount"], out["capped"], out["program_version"]) == (amount, capped, 1)
    assert out["breakdown"] and all(isinstance(b["amount"], str) for b in out["breakdown"])
    assert out["rule"]


async def test_estimate_breakdown_explains_the_cap_in_both_languages(
    client: AsyncTestClient,
) -> None:
    en = (await estimate(client, "event-support", {"eligible_costs": "5000000.00"})).json()
    assert en["breakdown"][0] == {
        "label": "50% × 5,000,000.00 = 2,500,000.00",
        "amount": "2500000.00",
    }
    assert en["breakdown"][-1]["amount"] == "2000000.00" and "cap" in en["breakdown"][-1]["label"]
    assert "art. 11" in en["rule"]
    zh = (await estimate(client, "event-support", {"eligible_costs": "5000000.00"}, "zh")).json()
    assert "第十一条" in zh["rule"]


@pytest.mark.parametrize(
    ("code", "body", "status", "err"),
    [
        ("event-support", {"eligible_costs": "-1.00"}, 422, "invalid_input"),
        ("event-support", {"eligible_costs": "1.005"}, 422, "invalid_input"),
        ("event-support", {"eligible_costs": "1e6"}, 422, "invalid_input"),
        ("event-support", {"eligible_costs": 1000}, 422, "invalid_input"),
        ("event-support", {"eligible_costs": 10.5}, 422, "invalid_input"),
        ("event-support", {"eligible_costs": "1000000000000.01"}, 422, "invalid_input"),
        ("event-support", {"eligible_costs": "9" * 40}, 422, "invalid_input"),
        ("event-support", {"eligible_costs": "NaN"}, 422, "invalid_input"),
        ("event-support", {}, 422, "invalid_input"),
        ("event-support", {"eligible_costs": "1.00", "stages": ["listed"]}, 422, "invalid_input"),
        ("event-support", {"eligible_costs": "1.00", "bogus": 1}, 422, "invalid_input"),
        ("event-support", ["1.00"], 422, "invalid_input"),
        ("ipo-domestic", {"stages": ["ipo"]}, 422, "invalid_input"),
        ("ipo-domestic", {"stages": ["listed", "listed"]}, 422, "invalid_input"),
        ("ipo-domestic", {"stages": []}, 422, "invalid_input"),
        ("ipo-domestic", {"stages": ["listed"], "already_paid": "8000000.00"}, 409, "cap_reached"),
        (
            "ipo-overseas",
            {"exchange": "HKEX", "raised_total": "100.00", "invested_in_wuhan": "79.99"},
            422,
            "funds_not_in_wuhan",
        ),
        (
            "ipo-overseas",
            {"exchange": "SSE", "raised_total": "100.00", "invested_in_wuhan": "90.00"},
            422,
            "exchange_not_eligible",
        ),
        (
            "ipo-overseas",
            {"exchange": "XYZ", "raised_total": "100.00", "invested_in_wuhan": "90.00"},
            422,
            "exchange_not_eligible",
        ),
        (
            "ipo-overseas",
            {"exchange": "hkex", "raised_total": "100.00", "invested_in_wuhan": "90.00"},
            422,
            "invalid_input",
        ),
        ("no-such-program", {}, 404, "unknown_program"),
    ],
)
async def test_estimate_refuses(
    client: AsyncTestClient, code: str, body: Any, status: int, err: str
) -> None:
    r = await estimate(client, code, body)
    assert (r.status_code, r.json()["code"]) == (status, err), r.text
    if status == 422:
        assert r.json()["errors"] and r.json()["errors"][0]["message"]


async def test_new_version_applies_from_its_date_and_keeps_the_old(
    client: AsyncTestClient, staff: StaffFactory, clock: Any
) -> None:
    admin = await staff("admin")
    body = {
        "effective_from": "2026-03-02",
        "effective_to": "2027-05-31",
        "note": "2026 调整",
        "params": event_rule(
            await definition(client, "event-support"), rate_bp=4000, cap="1500000.00", lead_days=20
        ),
    }
    r = await client.post(
        "/api/v1/admin/programs/event-support/versions",
        json=body | {"publish": True},
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2 and r.json()["params"]["award"][2]["amount"] == "1500000.00"
    out = (await estimate(client, "event-support", {"eligible_costs": "5000000.00"})).json()
    assert (out["amount"], out["program_version"]) == ("1500000.00", 2)
    detail = (await client.get("/api/v1/programs/event-support")).json()
    assert [v["version"] for v in detail["versions"]] == [1, 2]
    assert detail["versions"][0]["params"]["award"][2]["amount"] == "2000000.00"


async def test_a_day_outside_every_window_shows_the_program_but_estimates_nothing(
    client: AsyncTestClient, clock: Any
) -> None:
    clock.set_date(dt.date(2027, 6, 1))  # the policy's versions all ended on 2027-05-31
    program = (await client.get("/api/v1/programs/event-support")).json()["program"]
    assert (program["version"], program["in_effect"]) == (1, False)
    r = await estimate(client, "event-support", {"eligible_costs": "100.00"})
    assert (r.status_code, r.json()["code"]) == (422, "policy_not_in_effect"), r.text
    r = await estimate(client, "no-such-program", {"eligible_costs": "100.00"})
    assert (r.status_code, r.json()["code"]) == (404, "unknown_program")


async def test_a_version_that_ends_before_it_starts_is_refused(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool
) -> None:
    admin = await staff("admin")
    params = event_rule(await definition(client, "event-support"), rate_bp=4000, cap="1.00")
    body = {"effective_from": "2026-06-01", "effective_to": "2026-05-31", "params": params}
    r = await client.post(
        "/api/v1/admin/programs/event-support/versions",
        json=body | {"publish": True},
        headers=bearer(admin),
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input"), r.text
    assert [e["field"] for e in r.json()["errors"]] == ["effective_to"]
    count = "SELECT count(*) FROM program_versions WHERE program_code = 'event-support'"
    assert await pool.fetchval(count) == 1


@pytest.mark.parametrize(
    ("step", "change"),
    [
        (1, {"bp": 20000}),
        (2, {"amount": "-1.00"}),
        (2, {"amount": 100}),
        (2, {"surprise": True}),
        (1, {"bp": "half"}),
    ],
)
async def test_bad_version_params_are_refused(
    client: AsyncTestClient,
    staff: StaffFactory,
    pool: asyncpg.Pool,
    step: int,
    change: dict[str, Any],
) -> None:
    admin = await staff("admin")
    params = await definition(client, "event-support")
    params["award"][step] |= change
    body = {"effective_from": "2026-03-02", "effective_to": "2027-05-31", "params": params}
    r = await client.post(
        "/api/v1/admin/programs/event-support/versions",
        json=body | {"publish": True},
        headers=bearer(admin),
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_definition"), r.text
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM program_versions WHERE program_code = 'event-support'"
        )
        == 1
    )


async def test_admin_only_routes_refuse_others(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    applicant = (await register(client))["token"]
    reviewer = await staff("reviewer")
    calls = [
        (
            "POST",
            "/api/v1/admin/programs/event-support/versions",
            {"effective_from": "2026-01-01", "effective_to": "2026-12-31", "params": {}},
        ),
        ("PUT", "/api/v1/admin/budgets/event-support/2026", {"allocated": "100.00"}),
        (
            "PUT",
            "/api/v1/admin/exchanges/KRX",
            {
                "valid_from": "2026-01-01",
                "name_zh": "x",
                "name_en": "x",
                "market": "overseas",
                "jurisdiction": "KR",
                "eligible": False,
            },
        ),
        (
            "PUT",
            "/api/v1/admin/calendar/2026-03-07",
            {"kind": "workday", "name_zh": "x", "name_en": "x"},
        ),
        ("DELETE", "/api/v1/admin/calendar/2026-10-01", None),
    ]
    for method, url, body in calls:
        r = await client.request(method, url, json=body)
        assert r.status_code == 401, (url, r.text)
        for tok in (applicant, reviewer):
            r = await client.request(method, url, json=body, headers=bearer(tok))
            assert (r.status_code, r.json()["code"]) == (403, "forbidden"), (url, r.text)
    r = await client.get("/api/v1/admin/budgets", headers=bearer(applicant))
    assert r.status_code == 403


async def test_exchanges_are_dated(client: AsyncTestClient, staff: StaffFactory) -> None:
    items = {e["code"]: e for e in (await client.get("/api/v1/exchanges")).json()["items"]}
    assert {c for c, e in items.items() if e["market"] == "domestic"} == {"SSE", "SZSE", "BSE"}
    assert {"HKEX", "NYSE", "NASDAQ", "LSE", "SGX"} <= {
        c for c, e in items.items() if e["market"] == "overseas"
    }
    assert items["SSE"]["name"] == "上海证券交易所"
    admin = await staff("admin")
    body = {
        "valid_from": "2026-04-01",
        "name_zh": "伦敦证券交易所",
        "name_en": "London Stock Exchange",
        "market": "overseas",
        "jurisdiction": "GB",
        "eligible": False,
    }
    assert (
        await client.put("/api/v1/admin/exchanges/LSE", json=body, headers=bearer(admin))
    ).status_code == 200
    # Today (2026-03-02) LSE is still eligible; from April it is not.
    ok = {"exchange": "LSE", "raised_total": "100.00", "invested_in_wuhan": "80.00"}
    assert (await estimate(client, "ipo-overseas", ok)).status_code == 200
    later = {
        e["code"]: e for e in (await client.get("/api/v1/exchanges?on=2026-04-01")).json()["items"]
    }
    assert later["LSE"]["eligible"] is False
    assert (await client.get("/api/v1/exchanges?on=yesterday")).status_code == 422


@pytest.mark.parametrize("eligible", [0, 1, "true", "false", None])
async def test_an_exchange_takes_only_a_json_boolean(
    client: AsyncTestClient, staff: StaffFactory, eligible: Any
) -> None:
    body = {
        "valid_from": "2026-04-01",
        "name_zh": "伦敦证券交易所",
        "name_en": "London Stock Exchange",
        "market": "overseas",
        "jurisdiction": "GB",
        "eligible": eligible,
    }
    admin = bearer(await staff("admin"))
    r = await client.put("/api/v1/admin/exchanges/LSE", json=body, headers=admin)
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input"), r.text
    assert [e["field"] for e in r.json()["errors"]] == ["eligible"]
    on = (await client.get("/api/v1/exchanges?on=2026-04-01")).json()["items"]
    assert {e["code"]: e["eligible"] for e in on}["LSE"] is True  # unchanged


async def test_budgets(client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool) -> None:
    admin, finance = await staff("admin"), await staff("finance")
    r = await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(finance))
    assert r.status_code == 200
    assert {b["program"]: b["allocated"] for b in r.json()["items"]}["event-support"] == "0.00"
    r = await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "20000000.00"},
        headers=bearer(admin),
    )
    assert r.status_code == 200
    assert r.json() == {
        "program": "event-support",
        "year": 2026,
        "funder": "city",
        "allocated": "20000000.00",
        "reserved": "0.00",
        "spent": "0.00",
        "available": "20000000.00",
    }
    await pool.execute(
        "UPDATE budgets SET reserved_fen = 150000000 WHERE program_code = 'event-support'"
    )
    r = await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "1000000.00"},
        headers=bearer(admin),
    )
    assert (r.status_code, r.json()["code"]) == (409, "allocation_below_committed")
    r = await client.put(
        "/api/v1/admin/budgets/nothing/2026", json={"allocated": "1.00"}, headers=bearer(admin)
    )
    assert (r.status_code, r.json()["code"]) == (404, "unknown_program")
    r = await client.put(
        "/api/v1/admin/budgets/event-support/1999",
        json={"allocated": "1.00"},
        headers=bearer(admin),
    )
    assert r.status_code == 422
    r = await client.put(
        "/api/v1/admin/budgets/event-support/2026", json={"allocated": 5}, headers=bearer(admin)
    )
    assert r.status_code == 422


async def test_the_database_refuses_overspending(pool: asyncpg.Pool) -> None:
    await pool.execute(
        "INSERT INTO budgets (program_code, year, allocated_fen, updated_at) VALUES ('event-support', 2026, 100, now())"
    )
    with pytest.raises(asyncpg.CheckViolationError):
        await pool.execute("UPDATE budgets SET reserved_fen = 60, spent_fen = 41")


async def test_calendar(client: AsyncTestClient, staff: StaffFactory) -> None:
    days = {d["day"]: d for d in (await client.get("/api/v1/calendar?year=2025")).json()["items"]}
    assert days["2025-02-08"]["kind"] == "workday" and days["2025-10-08"]["kind"] == "holiday"
    # 5 working days from Monday 2025-09-29: 29, 30 Sep, then 9 (Thu), 10 (Fri), 11 (make-up Sat) Oct.
    r = await client.get("/api/v1/calendar/working-days?start=2025-09-29&days=5")
    assert r.json() == {"start": "2025-09-29", "days": 5, "end": "2025-10-11"}
    admin = await staff("admin")
    # An admin adds a make-up working day; the count changes at once.
    r = await client.put(
        "/api/v1/admin/calendar/2026-03-07",
        json={"kind": "workday", "name_zh": "调休", "name_en": "make-up"},
        headers=bearer(admin),
    )
    assert r.status_code == 200
    r = await client.get("/api/v1/calendar/working-days?start=2026-03-02&days=6")
    assert r.json()["end"] == "2026-03-07"
    assert (
        await client.delete("/api/v1/admin/calendar/2026-03-07", headers=bearer(admin))
    ).status_code == 204
    assert (
        await client.delete("/api/v1/admin/calendar/2026-03-07", headers=bearer(admin))
    ).status_code == 404
    r = await client.get("/api/v1/calendar/working-days?start=2026-03-02&days=6")
    assert r.json()["end"] == "2026-03-09"
    r = await client.get("/api/v1/calendar/working-days?start=2026-03-02&days=0")
    assert r.status_code == 422
