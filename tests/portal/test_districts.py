"""Districts review first, the city decides: a staff member's scope holds on every route, and a
district-first program's first review is its district's (区初审 → 市复核)."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, make_uscc, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, decide, filing_body, lodge_objection, ok, submit
from tests.portal.test_program_claims import attach, model_claim
from tests.portal.test_queue_stages import center_claim

EVERY_ROLE = ("reviewer", "approver", "finance", "admin", "auditor")
WUCHANG, HONGSHAN, HANYANG = "420106", "420111", "420105"


async def _claim(client: AsyncTestClient, org: dict[str, Any], name: str) -> dict[str, Any]:
    docs = await attach(client, org["token"], "certificate", "audit_report", "evidence")
    claim = await create(client, org["token"], model_claim(name, documents=docs))
    await ok(await submit(client, org["token"], claim["id"]))
    return claim


async def test_a_district_staff_member_reaches_only_their_districts_applications(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    here = await register(client, uscc=make_uscc(WUCHANG), name="武汉武昌本区科技有限公司")
    there = await register(client, uscc=make_uscc(HONGSHAN), name="武汉洪山他区科技有限公司")
    mine = await _claim(client, here, "本区模型")
    theirs = await _claim(client, there, "他区模型")
    # An event filing is the event's district's (汉阳), wherever its organizer is registered.
    event = await create(client, here["token"], filing_body(district=HANYANG))
    districts = dict(
        await pool.fetch(
            "SELECT id::text, district_code FROM applications WHERE id = ANY($1::uuid[])",
            [mine["id"], theirs["id"], event["id"]],
        )
    )
    assert districts == {mine["id"]: WUCHANG, theirs["id"]: HONGSHAN, event["id"]: HANYANG}

    # The other district's claim in publicity, under an objection, by the city's staff.
    city = {role: await staff(role) for role in EVERY_ROLE}
    await ok(
        await client.put(
            "/api/v1/admin/budgets/vertical-model/2026",
            json={"allocated": "50000000.00"},
            headers=bearer(city["admin"]),
        )
    )
    await ok(await decide(client, city["reviewer"], theirs["id"], "pass"))
    await ok(await decide(client, city["approver"], theirs["id"], "approve"))
    batch = {"application_ids": [theirs["id"]], "starts_on": clock.today().isoformat()}
    r = await client.post(
        "/api/v1/admin/publicity-batches", json=batch, headers=bearer(city["admin"])
    )
    await ok(r, 201)
    await ok(await lodge_objection(client, theirs["id"]), 201)
    objection = (
        await client.get("/api/v1/admin/objections", headers=bearer(city["reviewer"]))
    ).json()["items"][0]["id"]

    # Every role, but 武昌's only: the other district's application is nowhere.
    wuchang = bearer(await staff(*EVERY_ROLE, districts=(WUCHANG,)))
    paid = {"paid_on": clock.today().isoformat(), "amount": "1.00", "reference": "X"}
    bodies: dict[str, dict[str, Any] | None] = {  # a body each operation would accept
        "get_application": None,
        "get_application_notice": None,
        "decide": {"action": "reject", "comment": "x"},
        "score_application": {"score": 80, "comment": "x", "declare_no_conflict": True},
        "record_disbursement": paid,
        "open_recovery": {"amount": "1.00", "due_on": "2026-12-31", "reason": "x"},
        "record_repayment": paid,
        "record_follow_up": {"year": 2026},
        "get_objection": None,
        "resolve_objection": {"outcome": "dismissed", "comment": "查无实据"},
    }
    not_staff = {"edit_application", "submit_application", "withdraw_application"}  # 403
    doc = (await client.get("/schema/openapi.json")).json()
    checked = set()
    for path, item in doc["paths"].items():
        if "{application_id}" not in path and "{objection_id}" not in path:
            continue
        for method, op in item.items():
            name = op["operationId"]
            if name in not_staff or name == "lodge_objection":  # anyone objects
                continue
            assert name in bodies, f"say how {name} is called by another district's staff"
            for other in (theirs["id"], event["id"]):
                url = path.format(application_id=other, objection_id=objection, kind="decision")
                r = await client.request(method, url, json=bodies[name], headers=wuchang)
                assert (r.status_code, r.json()["code"]) == (404, "not_found"), (name, r.text)
            checked.add(name)
    assert checked == set(bodies)
    assert (await client.get(f"/api/v1/applications/{mine['id']}", headers=wuchang)).is_success
    doc = theirs["payload"]["documents"][0]["document_id"]
    r = await client.get(f"/api/v1/documents/{doc}", headers=wuchang)
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert (
        await client.get(f"/api/v1/documents/{doc}", headers=bearer(city["auditor"]))
    ).is_success

    listed = (await client.get("/api/v1/admin/applications", headers=wuchang)).json()["items"]
    assert [x["id"] for x in listed] == [mine["id"]]
    every = await client.get("/api/v1/admin/applications", headers=bearer(city["reviewer"]))
    assert {x["id"] for x in every.json()["items"]} >= {mine["id"], theirs["id"]}
    assert (await client.get("/api/v1/admin/objections", headers=wuchang)).json()["items"] == []
    csv = (await client.get("/api/v1/admin/exports/applications.csv", headers=wuchang)).text
    assert "本区模型" in csv and "他区模型" not in csv
    figures = (await client.get("/api/v1/admin/statistics", headers=wuchang)).json()
    waiting = {s["stage"]: s["count"] for s in figures["backlog"]["stages"]}
    assert sum(waiting.values()) == 1  # their own claim, submitted; not the other's in publicity
    # The objection still stands: nothing the district's staff tried reached it.
    status = await pool.fetchval("SELECT status FROM objections WHERE id = $1::uuid", objection)
    assert status == "open"


async def test_the_district_reviews_first_and_the_city_decides(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool
) -> None:
    org = await register(client, uscc=make_uscc(HONGSHAN), name="武汉光谷智算中心有限公司")
    claim = await center_claim(client, org)  # submitted
    assert claim["program_version"] == 2
    admin = await staff("admin")
    for funder in ("city", HONGSHAN):  # the match is half the city's, half the district's
        await ok(
            await client.put(
                "/api/v1/admin/budgets/computing-center-match/2026",
                json={"allocated": "50000000.00", "funder": funder},
                headers=bearer(admin),
            )
        )
    city_reviewer, city_approver = await staff("reviewer"), await staff("approver")
    hongshan = await staff("reviewer", "approver", districts=(HONGSHAN,))
    wuchang = await staff("reviewer", districts=(WUCHANG,))

    r = await decide(client, city_reviewer, claim["id"], "pass")
    assert (r.status_code, r.json()["code"]) == (403, "district_review_first")
    assert "区初审" in r.json()["detail"]
    r = await decide(client, wuchang, claim["id"], "pass")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    passed = await ok(await decide(client, hongshan, claim["id"], "pass"))
    assert passed["status"] == "reviewed"
    r = await decide(client, hongshan, claim["id"], "approve")  # the district never decides
    assert (r.status_code, r.json()["code"]) == (403, "city_decides")
    approved = await ok(await decide(client, city_approver, claim["id"], "approve"))
    assert approved["status"] == "approved" and approved["award"]["amount"] == "3000000.00"
    actors = await pool.fetch(
        "SELECT action, actor FROM audit_events WHERE entity_id = $1 AND action IN"
        " ('application.pass', 'application.approve') ORDER BY seq",
        claim["id"],
    )
    assert [a["action"] for a in actors] == ["application.pass", "application.approve"]
    assert actors[0]["actor"] != actors[1]["actor"]  # four eyes across the chain

    # A city-only program: the district's staff see their district's claim but do not decide it.
    docs = await attach(client, org["token"], "certificate", "audit_report", "evidence")
    other = await create(client, org["token"], model_claim("洪山模型", documents=docs))
    await ok(await submit(client, org["token"], other["id"]))
    r = await decide(client, hongshan, other["id"], "pass")
    assert (r.status_code, r.json()["code"]) == (403, "city_decides")
    assert await client.get(f"/api/v1/applications/{other['id']}", headers=bearer(hongshan))


async def test_a_new_scope_ends_the_sign_ins_at_once(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    admin = await staff("admin")
    moved = await staff("reviewer", email="moved@wuhan.gov.cn")
    users = (await client.get("/api/v1/admin/users", headers=bearer(admin))).json()
    user = next(u for u in users if u["email"] == "moved@wuhan.gov.cn")
    assert user["districts"] == []
    assert (await client.get("/api/v1/admin/applications", headers=bearer(moved))).is_success
    r = await client.put(
        f"/api/v1/admin/users/{user['id']}/districts",
        json={"districts": [HONGSHAN, WUCHANG]},
        headers=bearer(admin),
    )
    assert (await ok(r))["districts"] == [WUCHANG, HONGSHAN]
    r = await client.get("/api/v1/admin/applications", headers=bearer(moved))
    assert r.status_code == 401
    r = await client.put(
        f"/api/v1/admin/users/{user['id']}/districts",
        json={"districts": ["110101"]},  # Beijing's 东城区: not Wuhan's
        headers=bearer(admin),
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
