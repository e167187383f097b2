"""Every step after the first review is the city's (domain.chain): a district's staff announce no
award for publicity; and an application that belongs to no Wuhan district (a firm registered at
city level, 420100) on a district-first program is reviewed and decided by the city alone."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, make_uscc, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import approved_claim, create, decide, ok, recognized_filing, submit
from tests.portal.test_program_claims import attach, model_claim

HANYANG, HONGSHAN, WUCHANG = "420105", "420111", "420106"  # the events' filings are 汉阳's
CITY_LEVEL = "420100"  # 武汉市本级: a registration at the city, in none of the 13 districts
BATCHES = "/api/v1/admin/publicity-batches"


async def test_a_districts_staff_announce_no_award_the_city_does(
    client: AsyncTestClient,
    team: dict[str, Any],
    staff: StaffFactory,
    clock: FrozenClock,
    pool: asyncpg.Pool,
) -> None:
    await ok(
        await client.put(
            "/api/v1/admin/budgets/event-support/2026",
            json={"allocated": "10000000.00"},
            headers=bearer(team["admin"]),
        )
    )
    a, rev, appr = team["applicant"], team["reviewer"], team["approver"]
    filing = await recognized_filing(client, a, rev, appr)
    claim = await approved_claim(client, clock, a, rev, appr, filing["id"])
    district = await pool.fetchval(
        "SELECT district_code FROM applications WHERE id = $1::uuid", claim["id"]
    )
    assert district == HANYANG
    batch = {"application_ids": [claim["id"]], "starts_on": clock.today().isoformat()}

    for roles in (("approver",), ("admin",), ("approver", "admin")):
        hanyang = await staff(*roles, districts=(HANYANG,))
        r = await client.post(BATCHES, json=batch, headers=bearer(hanyang))
        assert (r.status_code, r.json()["code"]) == (403, "city_decides"), roles
        assert "此环节由市级办理" in r.json()["detail"]
    assert await pool.fetchval("SELECT count(*) FROM publicity_batches") == 0
    got = await ok(await client.get(f"/api/v1/applications/{claim['id']}", headers=bearer(appr)))
    assert got["status"] == "approved"

    done = await ok(await client.post(BATCHES, json=batch, headers=bearer(team["admin"])), 201)
    assert [i["application_id"] for i in done["items"]] == [claim["id"]]
    got = await ok(await client.get(f"/api/v1/applications/{claim['id']}", headers=bearer(appr)))
    assert got["status"] == "publicized"


async def _district_first(client: AsyncTestClient, admin: str, clock: FrozenClock) -> None:
    """vertical-model, from today, reviewed first by the districts (a city-funded award)."""
    found = (await client.get("/api/v1/programs/vertical-model")).json()["program"]
    params = found["params"]
    workflow = (params.get("workflow") or {}) | {"review_chain": "district_then_city"}
    r = await client.post(
        "/api/v1/admin/programs/vertical-model/versions",
        json={
            "effective_from": clock.today().isoformat(),
            "effective_to": found["effective_to"],
            "params": params | {"workflow": workflow},
            "publish": True,
        },
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    await ok(
        await client.put(
            "/api/v1/admin/budgets/vertical-model/2026",
            json={"allocated": "50000000.00"},
            headers=bearer(admin),
        )
    )


async def _queued(client: AsyncTestClient, token: str) -> dict[str, dict[str, Any]]:
    r = await client.get("/api/v1/admin/applications", headers=bearer(token))
    assert r.status_code == 200, r.text
    return {i["id"]: i for i in r.json()["items"]}


async def test_a_city_level_firms_claim_is_reviewed_and_decided_by_the_city(
    client: AsyncTestClient, staff: StaffFactory, clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    admin = await staff("admin")
    await _district_first(client, admin, clock)
    city_org = await register(client, uscc=make_uscc(CITY_LEVEL), name="武汉市本级模型有限公司")
    local_org = await register(client, uscc=make_uscc(HONGSHAN), name="武汉洪山模型有限公司")
    claims = {}
    for org, name in ((city_org, "市本级模型"), (local_org, "洪山模型")):
        docs = await attach(client, org["token"], "certificate", "audit_report", "evidence")
        claims[name] = await create(client, org["token"], model_claim(name, documents=docs))
        await ok(await submit(client, org["token"], claims[name]["id"]))
    mine, theirs = claims["市本级模型"]["id"], claims["洪山模型"]["id"]
    assert claims["市本级模型"]["program_version"] == 2
    districts = dict(
        await pool.fetch(
            "SELECT id::text, district_code FROM applications WHERE id = ANY($1::uuid[])",
            [mine, theirs],
        )
    )
    assert districts == {mine: CITY_LEVEL, theirs: HONGSHAN}

    city_reviewer, city_approver = await staff("reviewer"), await staff("approver")
    queue = await _queued(client, city_reviewer)
    assert queue[mine]["stage"] == "city_review"  # no district's staff could take it
    assert queue[theirs]["stage"] == "district_review"
    # No district's account reaches it; the district-first claim of 洪山 stays 洪山's.
    for district in (HONGSHAN, WUCHANG):
        reviewer = await staff("reviewer", districts=(district,))
        r = await decide(client, reviewer, mine, "pass")
        assert (r.status_code, r.json()["code"]) == (404, "not_found"), district
    r = await decide(client, city_reviewer, theirs, "pass")
    assert (r.status_code, r.json()["code"]) == (403, "district_review_first")

    passed = await ok(await decide(client, city_reviewer, mine, "pass"))
    assert passed["status"] == "reviewed"
    approved = await ok(await decide(client, city_approver, mine, "approve"))
    assert approved["status"] == "approved" and approved["award"] is not None
    actors = await pool.fetch(
        "SELECT action, actor FROM audit_events WHERE entity_id = $1 AND action IN"
        " ('application.pass', 'application.approve') ORDER BY seq",
        mine,
    )
    assert [a["action"] for a in actors] == ["application.pass", "application.approve"]
    assert actors[0]["actor"] != actors[1]["actor"]  # four eyes, both the city's
