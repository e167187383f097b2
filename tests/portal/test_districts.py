"""Districts review first, the city decides: a staff member's scope holds on every route, and a
district-first program's first review is its district's (区初审 → 市复核)."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import PASSWORD, bearer, make_uscc, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, decide, filing_body, lodge_objection, ok, submit
from tests.portal.test_program_claims import attach, model_claim
from tests.portal.test_program_versions import ADMIN as PROGRAMS
from tests.portal.test_program_versions import TRAINING, new_program
from tests.portal.test_queue_stages import center_claim
from tests.portal.test_scenario_unveiling import open_call, project, scored_and_passed
from tests.reliability.test_access import ALLOWED, STAFF, _fill, _operations

EVERY_ROLE = ("reviewer", "approver", "finance", "admin", "auditor")
WUCHANG, HONGSHAN, HANYANG = "420106", "420111", "420105"


async def district_claim(client: AsyncTestClient, org: dict[str, Any], name: str) -> dict[str, Any]:
    docs = await attach(client, org["token"], "certificate", "audit_report", "evidence")
    claim = await create(client, org["token"], model_claim(name, documents=docs))
    await ok(await submit(client, org["token"], claim["id"]))
    return claim


async def test_a_district_staff_member_reaches_only_their_districts_applications(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    here = await register(client, uscc=make_uscc(WUCHANG), name="武汉武昌本区科技有限公司")
    there = await register(client, uscc=make_uscc(HONGSHAN), name="武汉洪山他区科技有限公司")
    mine = await district_claim(client, here, "本区模型")
    theirs = await district_claim(client, there, "他区模型")
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
    await objected(client, city, theirs["id"], clock)
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


# What a district's staff are refused whatever their roles (403 `outside_scope`): staff accounts
# and the city's settings. Each with a body the city's admin is answered 2xx for, in this order.
CALL = {"opens_on": "2026-03-01", "closes_on": "2026-06-30"}
CITY_ONLY: dict[str, dict[str, Any] | None] = {
    "list_staff_users": None,
    "create_staff_user": {
        "email": "made-by-a-district@wuhan.gov.cn",
        "name": "市级管理员",
        "password": PASSWORD,
        "roles": ["admin"],
        "districts": [],
    },
    "set_staff_roles": {"roles": ["admin", "reviewer"]},
    "set_staff_districts": {"districts": []},
    "set_staff_active": {"active": False},
    "put_call": CALL,
    "create_program": new_program(code="district-own-subsidy"),
    "add_program_version": {
        "effective_from": "2026-01-01",
        "effective_to": "2026-12-31",
        "params": TRAINING | {"workflow": {"review_chain": "district_then_city"}},
    },
    "update_program_draft": {
        "effective_from": "2026-01-01",
        "effective_to": "2026-12-31",
        "params": TRAINING,
    },
    "publish_program_version": {},
    "put_exchange": {
        "valid_from": "2026-01-01",
        "name_zh": "韩国交易所",
        "name_en": "Korea Exchange",
        "market": "overseas",
        "jurisdiction": "KR",
        "eligible": True,
    },
    "put_calendar_day": {"kind": "holiday", "name_zh": "区定假日", "name_en": "District day"},
    "delete_calendar_day": None,
    "list_dead_letters": None,
    "retry_dead_letter": None,
}
# Everything else a district's staff may call: the service keeps it to their districts (or it
# holds nothing of a district's, like the calculator's preview of a version).
SCOPED = {
    "work_queue",
    "decide",
    "score_application",
    "record_disbursement",
    "open_recovery",
    "record_repayment",
    "record_follow_up",
    "list_objections",
    "get_objection",
    "resolve_objection",
    "list_publicity_batches",
    "create_publicity_batch",
    "export_applications_csv",
    "export_applications_xlsx",
    "create_export_job",
    "get_export_job",
    "download_export_job",
    "staff_statistics",
    "staff_statistics_xlsx",
    "staff_statistics_csv",
    "list_budgets",
    "set_budget",  # their districts' budgets only (`outside_scope` for the city's)
    "call_ranking",
    "select_projects",
    "payments_due",
    "payments_due_xlsx",
    "record_payment_batch",
    "admin_get_org",
    "admin_list_org_members",
    "propose_program_award",
    "propose_ipo_award",
    "preview_program_version",
    "diff_program_versions",
}
CITY_STATE = (  # what the refused operations would change; every change is audited too
    "SELECT id, email, districts, is_active FROM users",
    "SELECT user_id, role FROM user_roles",
    "SELECT token_hash, revoked_at FROM api_tokens",
    "SELECT * FROM calls",
    "SELECT * FROM programs",
    "SELECT program_code, version, status, effective_from, params FROM program_versions",
    "SELECT * FROM calendar_days",
    "SELECT * FROM exchanges",
    "SELECT id, status FROM deliveries",
    "SELECT count(*) FROM audit_events",
)


async def city_state(pool: asyncpg.Pool) -> list[list[str]]:
    return [
        sorted(await pool.fetchval(f"SELECT array_agg(to_jsonb(t)::text) FROM ({q}) t") or [])
        for q in CITY_STATE
    ]


async def test_staff_accounts_and_city_settings_are_the_citys(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool
) -> None:
    city = await staff("admin")
    await ok(await client.post(PROGRAMS, json=new_program(), headers=bearer(city)), 201)
    email = "hongshan-reviewer@wuhan.gov.cn"
    await staff("reviewer", email=email, districts=(HONGSHAN,))
    moved_id = str(await pool.fetchval("SELECT id FROM users WHERE email = $1", email))
    district = await staff(*EVERY_ROLE, districts=(HONGSHAN,))  # admin among them
    ops = await _operations(client)
    admin_ops = {op for _, path, op in ops if path.startswith("/api/v1/admin/")}
    assert admin_ops == set(CITY_ONLY) | SCOPED, "say whether a district's staff may call it"
    assert not set(CITY_ONLY) & SCOPED

    before = await city_state(pool)
    ids = {"user_id": moved_id}
    urls: dict[str, tuple[str, str]] = {}
    for method, path, op in ops:
        if op not in CITY_ONLY:
            continue
        url = _fill(path.replace("programs/{code}", "programs/ai-training-subsidy"), ids)
        url = url.replace("/calendar/2026-03-07", "/calendar/2026-10-01")
        urls[op] = (method, url)
        r = await client.request(method, url, json=CITY_ONLY[op], headers=bearer(district))
        assert r.status_code == 403, (op, r.text)
        assert r.json()["code"] == "outside_scope" and "由市级管理" in r.json()["detail"], op
    assert set(urls) == set(CITY_ONLY)
    assert await city_state(pool) == before  # nothing changed, the district admin's own scope too

    for method, path, op in ops:  # the others are not refused for the scope as such
        if op in SCOPED and op != "set_budget":
            url = _fill(path, {})
            r = await client.request(method, url, json={}, headers=bearer(district))
            assert r.status_code < 500, (op, r.text)
            if r.headers["content-type"].startswith("application/problem+json"):
                assert r.json()["code"] != "outside_scope", (op, r.text)

    # The city's admin does each of them with the same body (no dead letter to retry here).
    for op, body in CITY_ONLY.items():
        method, url = urls[op]
        r = await client.request(method, url, json=body, headers=bearer(city))
        if op == "retry_dead_letter":
            assert (r.status_code, r.json()["code"]) == (404, "not_found"), r.text
        else:
            assert r.is_success, (op, r.text)
    scope = await pool.fetchval("SELECT districts FROM users WHERE id = $1::uuid", moved_id)
    assert scope == []
    assert await pool.fetchval("SELECT count(*) FROM calls WHERE program_code = 'event-support'")


# ---------------------------------------------- beyond an application's own routes: the call's
# ranking, organizations' files, proposals and documents hold the scope too


async def test_a_districts_staff_rank_only_their_districts_candidates(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool
) -> None:
    await ok(await open_call(client, await staff("admin")))
    here = await register(client, uscc=make_uscc(WUCHANG), name="武汉武昌排名科技有限公司")
    there = await register(client, uscc=make_uscc(HONGSHAN), name="武汉洪山排名科技有限公司")
    experts = [await staff("reviewer") for _ in range(3)]  # the city's
    theirs = await scored_and_passed(
        client, {"a": there["token"], "experts": experts}, project("洪山场景"), [90, 92, 88]
    )
    mine = await scored_and_passed(
        client, {"a": here["token"], "experts": experts}, project("武昌场景"), [80, 81, 79]
    )
    url = "/api/v1/admin/calls/scenario-project/2026/ranking"
    city = await ok(await client.get(url, headers=bearer(await staff("approver"))))
    assert [(x["application_id"], x["rank"]) for x in city["items"]] == [(theirs, 1), (mine, 2)]
    for role in ("reviewer", "approver"):
        wuchang = bearer(await staff(role, districts=(WUCHANG,)))
        r = await client.get(url, headers=wuchang)
        # Their own candidate at its place in the city's ranking; the other district's is absent.
        assert [
            (x["application_id"], x["rank"], x["org_name"]) for x in (await ok(r))["items"]
        ] == [(mine, 2, "武汉武昌排名科技有限公司")]
        assert "洪山" not in r.text
    # Selecting by rank walks the same ranking: the other district's candidate is not touched.
    out = await ok(
        await client.post(
            "/api/v1/admin/calls/scenario-project/2026/selection",
            json={"declare_no_conflict": True},
            headers=wuchang,  # the approver's
        )
    )
    assert (out["approved"], out["not_selected"], out["skipped"]) == ([], [mine], [])
    status = await pool.fetchval("SELECT status FROM applications WHERE id = $1::uuid", theirs)
    assert status == "reviewed"


async def test_another_districts_organization_file_is_not_found(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    here = await register(client, uscc=make_uscc(WUCHANG), name="武汉武昌档案科技有限公司")
    there = await register(client, uscc=make_uscc(HONGSHAN), name="武汉洪山档案科技有限公司")
    # The other district's firm starts a filing for an event in 武昌: a draft opens nothing.
    event = await create(client, there["token"], filing_body(district=WUCHANG))
    org_url = f"/api/v1/admin/organizations/{there['org']['id']}"
    for role in ("reviewer", "approver", "finance"):
        wuchang = bearer(await staff(role, districts=(WUCHANG,)))
        for tail in ("", "/members"):
            r = await client.get(org_url + tail, headers=wuchang)
            assert (r.status_code, r.json()["code"]) == (404, "not_found"), (role, tail, r.text)
        own = f"/api/v1/admin/organizations/{here['org']['id']}"
        assert (await ok(await client.get(own, headers=wuchang)))[
            "name"
        ] == "武汉武昌档案科技有限公司"
        members = await ok(await client.get(own + "/members", headers=wuchang))
        assert [m["email"] for m in members["items"]] == [here["user"]["email"]]
    city = bearer(await staff("auditor"))
    assert (await ok(await client.get(org_url, headers=city)))["name"] == "武汉洪山档案科技有限公司"
    # Once the filing is lodged in 武昌 the firm is 武昌's concern too: its file opens there.
    await ok(await submit(client, there["token"], event["id"]))
    assert (await ok(await client.get(org_url, headers=wuchang)))["district_code"] == HONGSHAN
    members = await ok(await client.get(org_url + "/members", headers=wuchang))
    assert [m["email"] for m in members["items"]] == [there["user"]["email"]]


async def test_a_proposal_for_another_districts_firm_writes_nothing(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool
) -> None:
    here = await register(client, uscc=make_uscc(WUCHANG))
    there = await register(client, uscc=make_uscc(HONGSHAN))
    # Even a firm with an application lodged in 武昌: the draft would be its own district's.
    event = await create(client, there["token"], filing_body(district=WUCHANG))
    await ok(await submit(client, there["token"], event["id"]))
    wuchang = bearer(await staff("reviewer", districts=(WUCHANG,)))
    ipo = {
        "uscc": there["org"]["uscc"],
        "exchange": "SZSE",
        "stages": ["tutoring"],
        "stage_dates": {"tutoring": "2026-02-10"},
        "stock_code": "301999",
        "disclosure": "湖北证监局辅导备案公示 2026-02-10",
    }
    recognized = {"recognition_batch": "第六批", "recognized_on": "2025-07-01"}
    counts = "SELECT (SELECT count(*) FROM applications), (SELECT count(*) FROM audit_events)"
    before = tuple(await pool.fetchrow(counts))
    r = await client.post("/api/v1/admin/ipo-proposals", json=ipo, headers=wuchang)
    assert (r.status_code, r.json()["code"]) == (404, "not_found"), r.text
    r = await client.post(
        "/api/v1/admin/programs/little-giant-reward/proposals",
        json={"items": [{"uscc": there["org"]["uscc"], "fields": recognized}]},
        headers=wuchang,
    )
    assert (r.status_code, r.json()["code"]) == (404, "not_found"), r.text
    assert there["org"]["uscc"] in r.json()["detail"]
    assert tuple(await pool.fetchrow(counts)) == before
    r = await client.get("/api/v1/applications", headers=bearer(there["token"]))
    assert [x["id"] for x in (await ok(r))["items"]] == [event["id"]]
    # Their own district's firm is proposed to as before.
    made = await ok(
        await client.post(
            "/api/v1/admin/ipo-proposals",
            json=ipo | {"uscc": here["org"]["uscc"]},
            headers=wuchang,
        ),
        201,
    )
    assert (made["org_id"], made["status"]) == (here["org"]["id"], "draft")


async def test_another_districts_firms_documents_stay_closed_despite_a_draft_here(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    there = await register(client, uscc=make_uscc(HONGSHAN))
    [doc] = await attach(client, there["token"], "plan")
    doc_url = f"/api/v1/documents/{doc['document_id']}"
    # A draft for an event in 武昌, the document attached to it.
    event = await create(client, there["token"], filing_body(district=WUCHANG, documents=[doc]))
    staff_of_wuchang = [
        bearer(await staff(role, districts=(WUCHANG,))) for role in ("reviewer", "approver")
    ]
    for wuchang in staff_of_wuchang:
        for url in (doc_url, doc_url + "/meta"):
            r = await client.get(url, headers=wuchang)
            assert (r.status_code, r.json()["code"]) == (404, "not_found"), (url, r.text)
    city = await client.get(doc_url + "/meta", headers=bearer(await staff("reviewer")))
    assert (await ok(city))["id"] == doc["document_id"]
    # Lodged, the filing is 武昌's to review: its documents open to 武昌's staff.
    await ok(await submit(client, there["token"], event["id"]))
    for wuchang in staff_of_wuchang:
        assert (await client.get(doc_url, headers=wuchang)).status_code == 200


# How a district's staff member meets another district's id, on every operation whose path names
# an application, document, organization, objection or batch: a new one must be classified here.
APPLICANTS_ONLY = {"edit_application", "submit_application", "withdraw_application"}  # 403
PUBLIC_BY_ID = {"lodge_objection", "get_publicity_notice"}  # anyone's: an award in publicity
CITY_ONLY_BY_ID: set[str] = set()  # refused to a district's staff as such: 403 outside_scope
SCOPED_BY_ID = {  # 404 not_found (403 forbidden to a role the route's guard refuses)
    "get_application",
    "get_application_notice",
    "decide",
    "score_application",
    "record_disbursement",
    "open_recovery",
    "record_repayment",
    "record_follow_up",
    "get_objection",
    "resolve_objection",
    "download_document",
    "get_document_meta",
    "admin_get_org",
    "admin_list_org_members",
}
ID_PARAMS = ("{application_id}", "{document_id}", "{org_id}", "{objection_id}", "{batch_id}")


async def objected(
    client: AsyncTestClient, city: dict[str, str], claim_id: str, clock: FrozenClock
) -> str:
    """A vertical-model claim passed, approved and announced by the city's staff, then objected
    to; returns its publicity batch's id."""
    await ok(
        await client.put(
            "/api/v1/admin/budgets/vertical-model/2026",
            json={"allocated": "50000000.00"},
            headers=bearer(city["admin"]),
        )
    )
    await ok(await decide(client, city["reviewer"], claim_id, "pass"))
    await ok(await decide(client, city["approver"], claim_id, "approve"))
    batch = {"application_ids": [claim_id], "starts_on": clock.today().isoformat()}
    r = await client.post(
        "/api/v1/admin/publicity-batches", json=batch, headers=bearer(city["admin"])
    )
    batch_id: str = (await ok(r, 201))["id"]
    await ok(await lodge_objection(client, claim_id), 201)
    return batch_id


async def test_every_route_by_id_hides_another_districts_from_each_role(
    client: AsyncTestClient, staff: StaffFactory, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    there = await register(client, uscc=make_uscc(HONGSHAN), name="武汉洪山巡检科技有限公司")
    claim = await district_claim(client, there, "洪山巡检模型")
    await create(client, there["token"], filing_body(district=WUCHANG))  # a draft in 武昌
    city = {role: await staff(role) for role in ("reviewer", "approver", "admin")}
    batch_id = await objected(client, city, claim["id"], clock)
    objection = await pool.fetchval("SELECT id::text FROM objections")
    ids = {
        "application_id": claim["id"],
        "document_id": claim["payload"]["documents"][0]["document_id"],
        "org_id": there["org"]["id"],
        "objection_id": objection,
        "batch_id": batch_id,
        "kind": "decision",
    }
    by_id = {
        (method.lower(), path, op)
        for method, path, op in await _operations(client)
        if any(p in path for p in ID_PARAMS)
    }
    classified = APPLICANTS_ONLY | PUBLIC_BY_ID | CITY_ONLY_BY_ID | SCOPED_BY_ID
    assert {op for _, _, op in by_id} == classified, "say how another district's staff meet it"
    paid = {"paid_on": clock.today().isoformat(), "amount": "1.00", "reference": "X"}
    bodies: dict[str, dict[str, Any]] = {  # a body each would accept: the answer is the id's
        "decide": {"action": "reject", "comment": "x"},
        "score_application": {"score": 80, "comment": "x", "declare_no_conflict": True},
        "record_disbursement": paid,
        "open_recovery": {"amount": "1.00", "due_on": "2026-12-31", "reason": "x"},
        "record_repayment": paid,
        "record_follow_up": {"year": 2026},
        "resolve_objection": {"outcome": "dismissed", "comment": "查无实据"},
    }
    wuchang = {role: await staff(role, districts=(WUCHANG,)) for role in EVERY_ROLE}
    for method, path, op in sorted(by_id):
        if op in PUBLIC_BY_ID:
            continue
        url = path.format(**ids)
        for role, caller in wuchang.items():
            r = await client.request(method, url, json=bodies.get(op), headers=bearer(caller))
            may = role in ALLOWED.get(op, STAFF) and op not in APPLICANTS_ONLY
            expected = (
                (404, "not_found")
                if may and op in SCOPED_BY_ID
                else (403, "outside_scope")
                if may
                else (403, "forbidden")
            )
            assert (r.status_code, r.json()["code"]) == expected, (op, role, r.text)
    # Nothing they tried reached the other district's claim or its objection.
    row = await pool.fetchrow(
        "SELECT a.status, o.status AS objection FROM applications a"
        " JOIN objections o ON o.application_id = a.id WHERE a.id = $1::uuid",
        claim["id"],
    )
    assert (row["status"], row["objection"]) == ("publicized", "open")
