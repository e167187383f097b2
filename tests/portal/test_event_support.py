"""Event support end to end through HTTP, with every rule code of its two types."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, register, token
from tests.portal.conftest import StaffFactory
from tests.portal.flows import (
    ENDS,
    STARTS,
    approved_claim,
    claim_body,
    create,
    decide,
    definition,
    event_rule,
    filing_body,
    ok,
    recognized_filing,
    submit,
)


@pytest.fixture
async def people(team: dict[str, Any]) -> dict[str, Any]:
    return team


async def test_the_whole_path(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    a, rev, appr, fin, admin = (
        people[k] for k in ("applicant", "reviewer", "approver", "finance", "admin")
    )
    await ok(
        await client.put(
            "/api/v1/admin/budgets/event-support/2026",
            json={"allocated": "10000000.00"},
            headers=bearer(admin),
        )
    )

    # Filing: draft, submit, pass, approve = recognition with a reference.
    filing = await create(client, a, filing_body())
    assert (
        filing["status"] == "draft"
        and filing["reference"] is None
        and filing["program_version"] == 1
    )
    assert [line["amount"] for line in filing["payload"]["budget_lines"]] == [
        "1200000.00",
        "800000.00",
        "2000000.00",
    ]
    submitted = await ok(await submit(client, a, filing["id"]))
    assert submitted["status"] == "submitted"
    await ok(await decide(client, rev, filing["id"], "pass"))
    recognized = await ok(await decide(client, appr, filing["id"], "approve"))
    assert recognized["status"] == "recognized" and recognized["reference"] == "WHAI-EV-2026-0001"
    assert [h["to_status"] for h in recognized["history"]] == [
        "draft",
        "submitted",
        "reviewed",
        "recognized",
    ]

    # Claim after the event, with a cut line.
    clock.set_date(ENDS + dt.timedelta(days=9))  # a Friday
    claim = await create(client, a, claim_body(filing["id"]))
    assert claim["amount_requested"] == "1700000.00"  # 50% of 3,400,000.00
    await ok(await submit(client, a, claim["id"]))
    passed = await ok(
        await decide(
            client,
            rev,
            claim["id"],
            "pass",
            approved_lines={"1": "500000.00"},
            line_reasons={"1": "部分宣传费用无发票佐证"},
        )
    )
    lines = passed["payload"]["expense_lines"]
    assert (
        lines[1]["approved_amount"] == "500000.00"
        and lines[1]["cut_reason"] == "部分宣传费用无发票佐证"
    )
    assert lines[0]["approved_amount"] == "1000000.00"
    approved = await ok(await decide(client, appr, claim["id"], "approve"))
    assert approved["status"] == "approved" and approved["amount_approved"] == "1500000.00"
    assert approved["award"]["amount"] == "1500000.00" and approved["award"]["capped"] is False
    assert approved["award"]["program_version"] == 1
    assert approved["award"]["breakdown"][0]["amount"] == "1500000.00"
    assert approved["reference"] == "WHAI-EC-2026-0001"
    budget = (await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(admin))).json()
    assert {b["program"]: b["reserved"] for b in budget["items"]}["event-support"] == "1500000.00"

    # Publicity, an objection that is upheld, re-review, publicity again, confirmation, payment.
    today = clock.today()
    batch = await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [claim["id"]], "starts_on": today.isoformat()},
            headers=bearer(admin),
        ),
        201,
    )
    assert dt.date.fromisoformat(batch["ends_on"]) > today
    listed = (await client.get("/api/v1/public/announcements")).json()["items"]
    assert [(x["id"], x["amount"], x["org_name"]) for x in listed] == [
        (claim["id"], "1500000.00", "武汉智会科技有限公司")
    ]
    r = await client.post(
        f"/api/v1/public/announcements/{claim['id']}/objections",
        json={"reason": "奖金发放名单与公示不符", "contact": "13900000000"},
    )
    assert r.status_code == 201
    r = await decide(client, appr, claim["id"], "uphold_objection", comment="异议成立,重新审核")
    assert (await ok(r))["status"] == "submitted" and r.json()["award"] is None
    budget = (await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(admin))).json()
    assert {b["program"]: b["reserved"] for b in budget["items"]}["event-support"] == "0.00"
    assert (await client.get("/api/v1/public/announcements")).json()["items"] == []

    await ok(
        await decide(
            client,
            rev,
            claim["id"],
            "pass",
            approved_lines={"1": "500000.00", "2": "1000000.00"},
            comment="奖金按实际发放核定",
        )
    )
    approved = await ok(await decide(client, appr, claim["id"], "approve"))
    assert approved["award"]["amount"] == "1250000.00"
    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [claim["id"]], "starts_on": clock.today().isoformat()},
            headers=bearer(admin),
        ),
        201,
    )
    pay = {
        "paid_on": clock.today().isoformat(),
        "amount": "1250000.00",
        "reference": "国库支付 2026-0001",
    }
    r = await client.post(
        f"/api/v1/admin/applications/{claim['id']}/disbursements", json=pay, headers=bearer(fin)
    )
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")  # still in publicity
    clock.set_date(clock.today() + dt.timedelta(days=10))
    from sql.publicity import close_due_batches

    assert await close_due_batches(pool, clock.today(), clock.now()) == 1
    got = await ok(await client.get(f"/api/v1/applications/{claim['id']}", headers=bearer(a)))
    assert got["status"] == "confirmed"
    r = await client.post(
        f"/api/v1/admin/applications/{claim['id']}/disbursements",
        json={**pay, "amount": "1250000.01"},
        headers=bearer(fin),
    )
    assert (r.status_code, r.json()["code"]) == (422, "amount_mismatch")
    paid = await ok(
        await client.post(
            f"/api/v1/admin/applications/{claim['id']}/disbursements",
            json={**pay, "paid_on": clock.today().isoformat()},
            headers=bearer(fin),
        ),
        201,
    )
    assert paid["status"] == "disbursed"
    r = await client.post(
        f"/api/v1/admin/applications/{claim['id']}/disbursements", json=pay, headers=bearer(fin)
    )
    assert (r.status_code, r.json()["code"]) == (409, "already_disbursed")
    budget = (await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(admin))).json()
    row = {b["program"]: b for b in budget["items"]}["event-support"]
    assert (row["reserved"], row["spent"], row["available"]) == ("0.00", "1250000.00", "8750000.00")

    # The applicant sees the whole timeline; outbox rows were written for each transition.
    history = got["history"]
    assert [h["action"] for h in history][:3] == ["created", "submit", "pass"]
    assert any(
        h["action"] == "uphold_objection" and h["comment"] == "异议成立,重新审核" for h in history
    )
    topics = [r["topic"] for r in await pool.fetch("SELECT topic FROM outbox ORDER BY id")]
    assert topics.count("application.disburse") == 1 and "objection.lodged" in topics
    from sql import audit

    async with pool.acquire() as conn:
        assert (await audit.verify(conn)).ok


async def test_disbursement_after_the_period_confirms_on_the_way(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock
) -> None:
    a, rev, appr, fin, admin = (
        people[k] for k in ("applicant", "reviewer", "approver", "finance", "admin")
    )
    await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "2000000.00"},
        headers=bearer(admin),
    )
    filing = await recognized_filing(client, a, rev, appr)
    claim = await approved_claim(client, clock, a, rev, appr, filing["id"])
    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [claim["id"]], "starts_on": clock.today().isoformat()},
            headers=bearer(admin),
        ),
        201,
    )
    clock.set_date(clock.today() + dt.timedelta(days=14))
    pay = {
        "paid_on": clock.today().isoformat(),
        "amount": claim["amount_approved"],
        "reference": "P-1",
    }
    paid = await ok(
        await client.post(
            f"/api/v1/admin/applications/{claim['id']}/disbursements", json=pay, headers=bearer(fin)
        ),
        201,
    )
    assert [h["to_status"] for h in paid["history"]][-2:] == ["confirmed", "disbursed"]


async def test_filing_rule_codes(client: AsyncTestClient, people: dict[str, Any]) -> None:
    a = people["applicant"]
    cases = [
        ({"district": "420502"}, "event_not_in_wuhan"),  # 宜昌
        ({"starts_on": "2026-03-20", "ends_on": "2026-03-21"}, "filing_too_late"),  # 18 days ahead
        ({"starts_on": "2027-07-01", "ends_on": "2027-07-02"}, "policy_not_in_effect"),
        ({"ends_on": "2026-05-01"}, "invalid_input"),
        ({"venue": None}, "required"),
        ({"budget_lines": []}, "required"),
    ]
    for overrides, code in cases:
        app = await create(client, a, filing_body(**overrides))
        r = await submit(client, a, app["id"])
        assert (r.status_code, r.json()["code"]) == (422, code), (overrides, r.text)
        assert any(e["code"] == code for e in r.json()["errors"])
        assert (await client.get(f"/api/v1/applications/{app['id']}", headers=bearer(a))).json()[
            "status"
        ] == "draft"
    # Exactly 30 days before is still in time; 29 is not.
    for days, status in ((30, 200), (29, 422)):
        start = (dt.date(2026, 3, 2) + dt.timedelta(days=days)).isoformat()
        app = await create(client, a, filing_body(starts_on=start, ends_on=start))
        assert (await submit(client, a, app["id"])).status_code == status
    for bad in (
        {"event_type": "party"},
        {"level": "city"},
        {"district": "42010"},
        {"budget_lines": [{"category": "food", "amount": "1.00"}]},
        {"budget_lines": [{"category": "venue", "amount": 100}]},
        {"expected_attendance": -1},
        {"surprise": 1},
    ):
        r = await client.post("/api/v1/applications", json=filing_body(**bad), headers=bearer(a))
        assert (r.status_code, r.json()["code"]) == (422, "invalid_input"), (bad, r.text)
    r = await client.post(
        "/api/v1/applications",
        json=filing_body(budget_lines=[{"category": "venue", "amount": "1.001"}]),
        headers=bearer(a),
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")


async def test_recognition_after_the_start_is_refused_and_the_filing_lapses(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    a, rev, appr = people["applicant"], people["reviewer"], people["approver"]
    filing = await create(client, a, filing_body())
    await ok(await submit(client, a, filing["id"]))
    await ok(await decide(client, rev, filing["id"], "pass"))
    clock.set_date(STARTS)
    r = await decide(client, appr, filing["id"], "approve")
    assert (r.status_code, r.json()["code"]) == (409, "filing_lapsed")
    from sql.priors import lapse_due

    assert await lapse_due(pool, clock.today(), clock.now()) == 1
    assert await lapse_due(pool, clock.today(), clock.now()) == 0  # safe to run twice
    got = (await client.get(f"/api/v1/applications/{filing['id']}", headers=bearer(a))).json()
    assert got["status"] == "lapsed"
    assert "application.lapse" in [r["topic"] for r in await pool.fetch("SELECT topic FROM outbox")]


async def test_claim_rule_codes(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock, staff: StaffFactory
) -> None:
    a, rev, appr = people["applicant"], people["reviewer"], people["approver"]
    filing = await recognized_filing(client, a, rev, appr)
    unrecognized = await create(client, a, filing_body())
    r = await client.post(
        "/api/v1/applications", json=claim_body(unrecognized["id"]), headers=bearer(a)
    )
    assert (r.status_code, r.json()["code"]) == (422, "filing_not_recognized")
    other = await register(client)
    r = await client.post(
        "/api/v1/applications", json=claim_body(filing["id"]), headers=bearer(other["token"])
    )
    assert (r.status_code, r.json()["code"]) == (422, "filing_not_recognized")

    # Before the event's end, and after the 90-day window.
    claim = await create(client, a, claim_body(filing["id"]))
    for day in (ENDS, ENDS + dt.timedelta(days=91)):
        clock.set_date(day)
        r = await submit(client, a, claim["id"])
        assert (r.status_code, r.json()["code"]) == (422, "claim_window_closed"), day
    clock.set_date(ENDS + dt.timedelta(days=90))
    r = await client.post("/api/v1/applications", json=claim_body(filing["id"]), headers=bearer(a))
    assert (r.status_code, r.json()["code"]) == (409, "claim_exists")
    lines = claim_body(filing["id"])["expense_lines"]
    lines[1]["invoice_numbers"] = ["INV-001"]
    r = await client.patch(
        f"/api/v1/applications/{claim['id']}", json={"expense_lines": lines}, headers=bearer(a)
    )
    assert r.status_code == 200, r.text
    r = await submit(client, a, claim["id"])
    assert (r.status_code, r.json()["code"]) == (422, "invoice_repeated")
    lines[1]["invoice_numbers"] = ["INV-009"]
    await ok(
        await client.patch(
            f"/api/v1/applications/{claim['id']}", json={"expense_lines": lines}, headers=bearer(a)
        )
    )
    assert (await submit(client, a, claim["id"])).status_code == 200
    # Withdrawn, a new claim may be made.
    await ok(await client.post(f"/api/v1/applications/{claim['id']}/withdraw", headers=bearer(a)))
    await create(client, a, claim_body(filing["id"]))


async def test_duplicate_invoice_is_flagged_to_staff_only(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock
) -> None:
    a, rev, appr = people["applicant"], people["reviewer"], people["approver"]
    f1 = await recognized_filing(client, a, rev, appr)
    f2 = await recognized_filing(client, a, rev, appr, title="第二场活动")
    clock.set_date(ENDS + dt.timedelta(days=5))
    c1 = await create(client, a, claim_body(f1["id"]))
    c2 = await create(client, a, claim_body(f2["id"]))
    staff_view = (await client.get(f"/api/v1/applications/{c2['id']}", headers=bearer(rev))).json()
    assert {f["code"] for f in staff_view["flags"]} == {"duplicate_invoice"}
    assert all(f["related"] == [c1["id"]] for f in staff_view["flags"])
    assert len(staff_view["flags"]) == 4
    assert (await client.get(f"/api/v1/applications/{c2['id']}", headers=bearer(a))).json()[
        "flags"
    ] == []


async def test_four_eyes_and_declarations(
    client: AsyncTestClient, people: dict[str, Any], staff: StaffFactory
) -> None:
    a = people["applicant"]
    both = await staff("reviewer", "approver")
    filing = await create(client, a, filing_body())
    await ok(await submit(client, a, filing["id"]))
    r = await client.post(
        f"/api/v1/admin/applications/{filing['id']}/decisions",
        json={"action": "pass", "comment": "", "declare_no_conflict": False},
        headers=bearer(both),
    )
    assert (r.status_code, r.json()["code"]) == (422, "conflict_not_declared")
    await ok(await decide(client, both, filing["id"], "pass"))
    r = await decide(client, both, filing["id"], "approve")
    assert (r.status_code, r.json()["code"]) == (409, "same_reviewer")
    r = await decide(client, people["approver"], filing["id"], "return", comment="")
    assert (r.status_code, r.json()["code"]) == (422, "comment_required")
    returned = await ok(
        await decide(
            client, people["approver"], filing["id"], "return", comment="请补充主办单位资质"
        )
    )
    assert returned["status"] == "returned"
    await ok(
        await client.patch(
            f"/api/v1/applications/{filing['id']}",
            json={"venue": "武汉国际会展中心"},
            headers=bearer(a),
        )
    )
    assert (await ok(await submit(client, a, filing["id"])))["status"] == "submitted"
    r = await decide(client, both, filing["id"], "approve")
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")


async def test_budget_exhausted_and_none(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock
) -> None:
    a, rev, appr, admin = (
        people["applicant"],
        people["reviewer"],
        people["approver"],
        people["admin"],
    )
    filing = await recognized_filing(client, a, rev, appr)  # filings need no budget
    clock.set_date(ENDS + dt.timedelta(days=3))
    claim = await create(client, a, claim_body(filing["id"]))
    await ok(await submit(client, a, claim["id"]))
    await ok(await decide(client, rev, claim["id"], "pass"))
    r = await decide(client, appr, claim["id"], "approve")
    assert (r.status_code, r.json()["code"]) == (409, "budget_exhausted")
    await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "1699999.99"},
        headers=bearer(admin),
    )
    r = await decide(client, appr, claim["id"], "approve")
    assert (r.status_code, r.json()["code"]) == (409, "budget_exhausted")
    got = (await client.get(f"/api/v1/applications/{claim['id']}", headers=bearer(a))).json()
    assert (got["status"], got["reference"], got["award"]) == ("reviewed", None, None)
    await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "1700000.00"},
        headers=bearer(admin),
    )
    assert (await ok(await decide(client, appr, claim["id"], "approve")))[
        "reference"
    ] == "WHAI-EC-2026-0001"


async def test_a_new_program_version_never_changes_an_award(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock
) -> None:
    a, rev, appr, admin = (
        people["applicant"],
        people["reviewer"],
        people["approver"],
        people["admin"],
    )
    await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "5000000.00"},
        headers=bearer(admin),
    )
    filing = await recognized_filing(client, a, rev, appr)
    claim = await approved_claim(client, clock, a, rev, appr, filing["id"])
    before = claim["award"]
    body = {
        "effective_from": clock.today().isoformat(),
        "effective_to": "2027-05-31",
        "params": event_rule(await definition(client, "event-support"), rate_bp=1000, cap="100.00"),
    }
    await ok(
        await client.post(
            "/api/v1/admin/programs/event-support/versions",
            json=body | {"publish": True},
            headers=bearer(admin),
        ),
        201,
    )
    after = (await client.get(f"/api/v1/applications/{claim['id']}", headers=bearer(a))).json()
    assert after["award"] == before and after["award"]["program_version"] == 1


async def test_a_filing_is_drafted_under_the_version_in_effect_on_its_day(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    """The day decides. The second filing is drafted without a read, under the version the
    process noted (1), which the write finds no longer governs: it is drafted again under 2."""
    a, admin = people["applicant"], people["admin"]
    body = {
        "effective_from": "2026-04-01",
        "effective_to": "2027-05-31",
        "params": event_rule(
            await definition(client, "event-support"), rate_bp=4000, cap="1500000.00", lead_days=20
        ),
    }
    await ok(
        await client.post(
            "/api/v1/admin/programs/event-support/versions",
            json=body | {"publish": True},
            headers=bearer(admin),
        ),
        201,
    )
    assert (await create(client, a, filing_body()))["program_version"] == 1
    clock.set_date(dt.date(2026, 4, 1))
    later = await create(client, a, filing_body(title="2026 人工智能产业博览会"))
    assert later["program_version"] == 2
    stored = await pool.fetchval(
        "SELECT program_version FROM applications WHERE id = $1", later["id"]
    )
    assert stored == 2


COUNTS = """SELECT (SELECT count(*) FROM applications), (SELECT count(*) FROM audit_events),
                   (SELECT count(*) FROM outbox)"""


async def test_a_program_with_no_version_takes_no_drafts_and_nothing_is_written(
    client: AsyncTestClient, people: dict[str, Any], pool: asyncpg.Pool
) -> None:
    await pool.execute("DELETE FROM program_versions WHERE program_code = 'event-support'")
    before = await pool.fetchrow(COUNTS)
    r = await client.post(
        "/api/v1/applications", json=filing_body(), headers=bearer(people["applicant"])
    )
    assert (r.status_code, r.json()["code"]) == (422, "policy_not_in_effect")
    assert "event-support" in r.json()["detail"]
    # No such program at all: unknown, as before.
    body = {"type": "program_claim", "program_code": "no-such-program", "fields": {}}
    r = await client.post("/api/v1/applications", json=body, headers=bearer(people["applicant"]))
    assert (r.status_code, r.json()["code"]) == (404, "unknown_program")
    assert await pool.fetchrow(COUNTS) == before


async def test_a_version_whose_window_has_ended_governs_no_new_draft(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    """Version 2 runs to 2026-06-30 inside version 1's window (to 2027-05-31). Both ways a
    draft is made: the event filing's write takes the version itself, the IPO claim reads it
    first (`drafting_context`)."""
    from tests.portal.test_ipo import domestic

    a, admin = people["applicant"], people["admin"]
    body = {
        "effective_from": "2026-03-02",
        "effective_to": "2026-06-30",
        "params": event_rule(
            await definition(client, "event-support"), rate_bp=4000, cap="1500000.00", lead_days=20
        ),
    }
    url = "/api/v1/admin/programs/event-support/versions"
    await ok(await client.post(url, json=body | {"publish": True}, headers=bearer(admin)), 201)
    body["params"] = await definition(client, "ipo-domestic")
    body["params"]["award"][0]["amounts"] = {
        "tutoring": "1.00",
        "accepted": "1.00",
        "listed": "1.00",
    }
    body["params"]["award"][1]["total"] = "3.00"
    await ok(
        await client.post(
            url.replace("event-support", "ipo-domestic"),
            json=body | {"publish": True},
            headers=bearer(admin),
        ),
        201,
    )

    def filing() -> dict[str, Any]:
        return filing_body(title=f"活动 {clock.today()}")

    assert (await create(client, a, filing()))["program_version"] == 2
    clock.set_date(dt.date(2026, 7, 1))  # version 2 has ended; version 1 still holds the day
    assert (await create(client, a, filing()))["program_version"] == 1
    assert (await create(client, a, domestic(["tutoring"])))["program_version"] == 1

    clock.set_date(dt.date(2027, 6, 1))  # every window has ended (and the token: sign in)
    a = await token(client, people["org"]["user"]["email"])
    before = await pool.fetchrow(COUNTS)
    for draft in (filing(), domestic(["accepted"])):
        r = await client.post("/api/v1/applications", json=draft, headers=bearer(a))
        assert (r.status_code, r.json()["code"]) == (422, "policy_not_in_effect"), r.text
    assert await pool.fetchrow(COUNTS) == before


async def test_other_organizations_get_404_everywhere(
    client: AsyncTestClient, people: dict[str, Any]
) -> None:
    a = people["applicant"]
    filing = await create(client, a, filing_body())
    other = (await register(client))["token"]
    fid = filing["id"]
    for method, url, body in [
        ("GET", f"/api/v1/applications/{fid}", None),
        ("PATCH", f"/api/v1/applications/{fid}", {"venue": "x"}),
        ("POST", f"/api/v1/applications/{fid}/submit", None),
        ("POST", f"/api/v1/applications/{fid}/withdraw", None),
    ]:
        r = await client.request(method, url, json=body, headers=bearer(other))
        assert (r.status_code, r.json()["code"]) == (404, "not_found"), url
    assert (await client.get("/api/v1/applications", headers=bearer(other))).json()["items"] == []
    mine = (await client.get("/api/v1/applications", headers=bearer(a))).json()["items"]
    assert [x["id"] for x in mine] == [fid]


async def test_role_matrix(
    client: AsyncTestClient, people: dict[str, Any], staff: StaffFactory
) -> None:
    a = people["applicant"]
    filing = await create(client, a, filing_body())
    await ok(await submit(client, a, filing["id"]))
    auditor, finance, admin = await staff("auditor"), people["finance"], people["admin"]
    fid = filing["id"]
    # Applicants cannot reach staff routes; staff cannot create applications.
    for method, url, body in [
        ("GET", "/api/v1/admin/applications", None),
        (
            "POST",
            f"/api/v1/admin/applications/{fid}/decisions",
            {"action": "pass", "declare_no_conflict": True},
        ),
        (
            "POST",
            f"/api/v1/admin/applications/{fid}/disbursements",
            {"paid_on": "2026-03-02", "amount": "1.00", "reference": "x"},
        ),
        (
            "POST",
            "/api/v1/admin/publicity-batches",
            {"application_ids": [fid], "starts_on": "2026-03-02"},
        ),
        ("GET", "/api/v1/admin/exports/applications.csv", None),
    ]:
        r = await client.request(method, url, json=body, headers=bearer(a))
        assert r.status_code == 403, url
        assert (await client.request(method, url, json=body)).status_code == 401
    r = await client.post(
        "/api/v1/applications", json=filing_body(), headers=bearer(people["reviewer"])
    )
    assert r.status_code == 403
    # Staff roles that may not decide get 403; the approver may not pass; the reviewer may not approve.
    for tok in (auditor, finance, admin):
        r = await decide(client, tok, fid, "pass")
        assert r.status_code == 403
    r = await decide(client, people["approver"], fid, "pass")
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    await ok(await decide(client, people["reviewer"], fid, "pass"))
    r = await decide(client, people["reviewer"], fid, "approve")
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    # Every staff role may read the queue; finance may not create batches.
    for tok in (auditor, finance, admin, people["reviewer"]):
        assert (
            await client.get("/api/v1/admin/applications", headers=bearer(tok))
        ).status_code == 200
    r = await client.post(
        "/api/v1/admin/publicity-batches",
        json={"application_ids": [fid], "starts_on": "2026-03-02"},
        headers=bearer(finance),
    )
    assert r.status_code == 403


async def test_work_queue_filters_and_pages(
    client: AsyncTestClient, people: dict[str, Any], clock: FrozenClock
) -> None:
    a, rev = people["applicant"], people["reviewer"]
    ids = []
    for i in range(7):
        clock.advance(dt.timedelta(seconds=1))
        app = await create(client, a, filing_body(title=f"活动 {i}"))
        if i % 2 == 0:
            await ok(await submit(client, a, app["id"]))
        ids.append(app["id"])
    seen: list[str] = []
    cursor = None
    while True:
        url = "/api/v1/admin/applications?status=submitted&program=event-support&limit=2" + (
            f"&cursor={cursor}" if cursor else ""
        )
        page = (await client.get(url, headers=bearer(rev))).json()
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [ids[i] for i in (0, 2, 4, 6)]
    page = (await client.get("/api/v1/admin/applications?q=活动 3", headers=bearer(rev))).json()
    assert [x["id"] for x in page["items"]] == [ids[3]]
    assert page["items"][0]["org_name"] == "武汉智会科技有限公司"
    for bad in ("limit=0", "limit=201", "status=bogus", "cursor=notacursor", "type=nope"):
        r = await client.get(f"/api/v1/admin/applications?{bad}", headers=bearer(rev))
        assert (r.status_code, r.json()["code"]) == (422, "invalid_input"), bad


async def test_exports(client: AsyncTestClient, people: dict[str, Any]) -> None:
    a = people["applicant"]
    for i in range(3):
        await create(client, a, filing_body(title=f"导出 {i}"))
    r = await client.get("/api/v1/admin/exports/applications.csv", headers=bearer(people["admin"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig").splitlines()
    assert text[0].startswith("reference,type,status,program_code")
    assert len(text) == 4 and "导出 2" in r.content.decode()
    r = await client.get(
        "/api/v1/admin/exports/applications.xlsx",
        headers=bearer(people["auditor"] if "auditor" in people else people["admin"]),
    )
    assert r.status_code == 200 and r.content[:2] == b"PK"


async def test_documents_attach_to_applications_and_lines(
    client: AsyncTestClient, people: dict[str, Any]
) -> None:
    a = people["applicant"]
    pdf = b"%PDF-1.7\n%test\n"
    r = await client.post(
        "/api/v1/documents", files={"file": ("方案.pdf", pdf, "application/pdf")}, headers=bearer(a)
    )
    doc = (await ok(r, 201))["id"]
    body = filing_body(documents=[{"document_id": doc, "kind": "plan"}])
    body["budget_lines"][0]["document_ids"] = [doc]
    filing = await create(client, a, body)
    assert filing["payload"]["documents"] == [{"document_id": doc, "kind": "plan"}]
    assert filing["payload"]["budget_lines"][0]["document_ids"] == [doc]
    other = (await register(client))["token"]
    r = await client.post(
        "/api/v1/documents",
        files={"file": ("x.pdf", pdf, "application/pdf")},
        headers=bearer(other),
    )
    foreign = (await ok(r, 201))["id"]
    r = await client.post(
        "/api/v1/applications",
        json=filing_body(documents=[{"document_id": foreign}]),
        headers=bearer(a),
    )
    assert (r.status_code, r.json()["code"]) == (422, "unknown_document")


async def test_new_drafts_ids_are_time_ordered(
    client: AsyncTestClient, people: dict[str, Any], pool: asyncpg.Pool
) -> None:
    """UUIDv7 (migration 0020): each draft's id, and its audit trail's entity id (text), sorts
    after the ones made before it, so their indexes take it at their end."""
    ids = []
    for n in range(3):
        ids.append(
            (await create(client, people["applicant"], filing_body(title=f"大赛 {n}")))["id"]
        )
        await asyncio.sleep(0.003)  # ordered by the millisecond
    assert [uuid.UUID(i).version for i in ids] == [7, 7, 7]
    assert sorted(ids) == ids and sorted(map(uuid.UUID, ids)) == list(map(uuid.UUID, ids))
    trail = await pool.fetch(
        "SELECT entity_id FROM audit_events WHERE entity_id = ANY($1::text[]) ORDER BY seq", ids
    )
    assert [r["entity_id"] for r in trail] == ids
