"""Objections are examined before money moves: staff see each one, an approver resolves it once,
and while one is open the award is neither confirmed nor paid. The anonymous form is throttled."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer
from tests.portal.conftest import StaffFactory, concurrently
from tests.portal.flows import lodge_objection, ok, publicized_claim
from workers.scheduled import close_publicity

OBJECTIONS = "/api/v1/admin/objections"


async def resolve(
    client: AsyncTestClient, token: str, objection_id: str, outcome: str, comment: str
) -> Any:
    return await client.post(
        f"{OBJECTIONS}/{objection_id}/resolution",
        json={"outcome": outcome, "comment": comment},
        headers=bearer(token),
    )


async def pay(client: AsyncTestClient, token: str, app_id: str, today: dt.date) -> Any:
    return await client.post(
        f"/api/v1/admin/applications/{app_id}/disbursements",
        json={"paid_on": today.isoformat(), "amount": "1700000.00", "reference": "BK-1"},
        headers=bearer(token),
    )


async def get_app(client: AsyncTestClient, token: str, app_id: str) -> dict[str, Any]:
    return await ok(await client.get(f"/api/v1/applications/{app_id}", headers=bearer(token)))


async def _close(pool: asyncpg.Pool, clock: FrozenClock) -> int:
    return await close_publicity({"pool": pool, "clock": clock})


@pytest.fixture
async def claim(
    client: AsyncTestClient, clock: FrozenClock, team: dict[str, Any]
) -> dict[str, Any]:
    return await publicized_claim(client, clock, team)


async def test_staff_see_each_objection_with_its_reason_contact_and_time(
    client: AsyncTestClient, team: dict[str, Any], claim: dict[str, Any], clock: FrozenClock
) -> None:
    first = await ok(await lodge_objection(client, claim["id"], "奖金发放名单与公示不符"), 201)
    await ok(await lodge_objection(client, claim["id"], "活动参会人数明显夸大"), 201)
    assert set(first) == {"id", "received_at"}

    for role in ("reviewer", "approver", "finance", "admin", "auditor"):
        listed = await ok(await client.get(OBJECTIONS, headers=bearer(team[role])))
        assert [(o["reason"], o["contact"], o["status"]) for o in listed["items"]] == [
            ("奖金发放名单与公示不符", "13900000000", "open"),
            ("活动参会人数明显夸大", "13900000000", "open"),
        ]
    one = listed["items"][0]
    assert one["application_id"] == claim["id"] and one["resolution"] is None
    assert dt.datetime.fromisoformat(one["lodged_at"]) == clock.now()
    assert one["reference"] == claim["reference"] and one["org_name"] == "武汉智会科技有限公司"
    got = await ok(await client.get(f"{OBJECTIONS}/{first['id']}", headers=bearer(team["auditor"])))
    assert got == one

    # Filters and pages.
    by_app = await client.get(
        OBJECTIONS,
        params={"application_id": claim["id"], "limit": 1},
        headers=bearer(team["reviewer"]),
    )
    page = await ok(by_app)
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = await ok(
        await client.get(
            OBJECTIONS,
            params={"application_id": claim["id"], "cursor": page["next_cursor"]},
            headers=bearer(team["reviewer"]),
        )
    )
    assert [o["reason"] for o in rest["items"]] == ["活动参会人数明显夸大"]
    none = await ok(
        await client.get(
            OBJECTIONS, params={"status": "dismissed"}, headers=bearer(team["reviewer"])
        )
    )
    assert none["items"] == []
    r = await client.get(OBJECTIONS, params={"status": "closed"}, headers=bearer(team["reviewer"]))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")

    # Not for applicants, nor anyone signed out; the organization sees "received" in its timeline.
    r = await client.get(OBJECTIONS, headers=bearer(team["applicant"]))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert (await client.get(OBJECTIONS)).status_code == 401
    mine = await get_app(client, team["applicant"], claim["id"])
    assert [h["action"] for h in mine["history"]].count("objection_lodged") == 2
    assert "13900000000" not in str(mine)


async def test_an_open_objection_holds_confirmation_and_payment_until_dismissed(
    client: AsyncTestClient,
    team: dict[str, Any],
    claim: dict[str, Any],
    clock: FrozenClock,
    pool: asyncpg.Pool,
) -> None:
    objection = await ok(await lodge_objection(client, claim["id"]), 201)
    r = await pay(client, team["finance"], claim["id"], clock.today())
    assert (r.status_code, r.json()["code"]) == (409, "objection_open")

    # The period ends: the scheduler confirms nothing an objection holds, nor may finance pay.
    clock.set_date(dt.date.fromisoformat(claim["batch"]["ends_on"]) + dt.timedelta(days=1))
    assert await _close(pool, clock) == 0
    assert (await get_app(client, team["approver"], claim["id"]))["status"] == "publicized"
    r = await pay(client, team["finance"], claim["id"], clock.today())
    assert (r.status_code, r.json()["code"]) == (409, "objection_open")

    # Dismissing the last open one after the period confirms the award at once.
    done = await ok(
        await resolve(client, team["approver"], objection["id"], "dismissed", "经核实,活动如期举办")
    )
    assert done["status"] == "dismissed"
    assert done["resolution"]["outcome"] == "dismissed"
    assert done["resolution"]["comment"] == "经核实,活动如期举办"
    assert done["resolution"]["by"] == "工作人员"
    seen = await get_app(client, team["applicant"], claim["id"])
    assert seen["status"] == "confirmed"
    dismissed = [h for h in seen["history"] if h["action"] == "objection_dismissed"]
    assert [h["comment"] for h in dismissed] == ["经核实,活动如期举办"]
    topics = [r["topic"] for r in await pool.fetch("SELECT topic FROM outbox ORDER BY id")]
    assert topics[-2:] == ["objection.dismissed", "application.confirm"]

    paid = await ok(await pay(client, team["finance"], claim["id"], clock.today()), 201)
    assert paid["status"] == "disbursed"
    r = await resolve(client, team["approver"], objection["id"], "upheld", "再议")
    assert (r.status_code, r.json()["code"]) == (409, "objection_resolved")


async def test_dismissed_during_the_period_the_award_waits_for_its_end(
    client: AsyncTestClient,
    team: dict[str, Any],
    claim: dict[str, Any],
    clock: FrozenClock,
    pool: asyncpg.Pool,
) -> None:
    objection = await ok(await lodge_objection(client, claim["id"]), 201)
    await ok(await resolve(client, team["approver"], objection["id"], "dismissed", "不属实"))
    assert (await get_app(client, team["approver"], claim["id"]))["status"] == "publicized"
    assert await _close(pool, clock) == 0  # the period runs on
    clock.set_date(dt.date.fromisoformat(claim["batch"]["ends_on"]) + dt.timedelta(days=1))
    assert await _close(pool, clock) == 1
    assert (await get_app(client, team["approver"], claim["id"]))["status"] == "confirmed"


async def test_upholding_withdraws_the_award_and_resolves_every_open_objection(
    client: AsyncTestClient,
    team: dict[str, Any],
    claim: dict[str, Any],
    clock: FrozenClock,
) -> None:
    one = await ok(await lodge_objection(client, claim["id"], "奖金发放名单与公示不符"), 201)
    two = await ok(await lodge_objection(client, claim["id"], "发票重复使用"), 201)
    done = await ok(await resolve(client, team["approver"], one["id"], "upheld", "异议属实"))
    assert done["status"] == "upheld" and done["resolution"]["comment"] == "异议属实"
    app = await get_app(client, team["applicant"], claim["id"])
    assert app["status"] == "submitted" and app["award"] is None
    assert app["history"][-1]["action"] == "uphold_objection"
    assert app["history"][-1]["comment"] == "异议属实"
    budgets = await ok(
        await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(team["admin"]))
    )
    assert {b["program"]: b["reserved"] for b in budgets["items"]}["event-support"] == "0.00"
    other = await ok(
        await client.get(f"{OBJECTIONS}/{two['id']}", headers=bearer(team["reviewer"]))
    )
    assert other["status"] == "upheld"
    r = await resolve(client, team["approver"], two["id"], "dismissed", "不属实")
    assert (r.status_code, r.json()["code"]) == (409, "objection_resolved")
    assert (await client.get("/api/v1/public/announcements")).json()["items"] == []


async def test_only_an_approver_resolves_and_says_why(
    client: AsyncTestClient, team: dict[str, Any], claim: dict[str, Any]
) -> None:
    objection = await ok(await lodge_objection(client, claim["id"]), 201)
    for role in ("reviewer", "finance", "admin", "auditor", "applicant"):
        r = await resolve(client, team[role], objection["id"], "dismissed", "不属实")
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), role
    r = await resolve(client, team["approver"], objection["id"], "dismissed", "   ")
    assert (r.status_code, r.json()["code"]) == (422, "comment_required")
    r = await resolve(client, team["approver"], objection["id"], "withdrawn", "不属实")
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    r = await resolve(
        client, team["approver"], "0190a4a5-0000-7000-8000-000000000000", "dismissed", "x"
    )
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    listed = await ok(await client.get(OBJECTIONS, headers=bearer(team["reviewer"])))
    assert [o["status"] for o in listed["items"]] == ["open"]  # nothing half-written


@pytest.mark.parametrize("outcomes", [["dismissed"] * 20, ["dismissed", "upheld"] * 10])
async def test_twenty_concurrent_resolutions_give_one(
    client: AsyncTestClient,
    team: dict[str, Any],
    claim: dict[str, Any],
    pool: asyncpg.Pool,
    outcomes: list[str],
) -> None:
    objection = await ok(await lodge_objection(client, claim["id"]), 201)
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": f"{OBJECTIONS}/{objection['id']}/resolution",
                "json": {"outcome": outcome, "comment": f"处理 {i}"},
                "headers": bearer(team["approver"]),
            }
            for i, outcome in enumerate(outcomes)
        ],
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 19
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"objection_resolved"}
    winner = next(r.json() for r in responses if r.status_code == 200)
    stored = await pool.fetchrow(
        "SELECT status, resolution_comment FROM objections WHERE id = $1", objection["id"]
    )
    assert (stored["status"], stored["resolution_comment"]) == (
        winner["status"],
        winner["resolution"]["comment"],
    )
    events = await pool.fetchval(
        "SELECT count(*) FROM audit_events WHERE action IN"
        " ('application.objection_dismissed', 'application.uphold_objection')"
    )
    assert events == 1


async def test_the_database_keeps_a_resolution_final(
    client: AsyncTestClient, team: dict[str, Any], claim: dict[str, Any], pool: asyncpg.Pool
) -> None:
    objection = await ok(await lodge_objection(client, claim["id"]), 201)
    await ok(await resolve(client, team["approver"], objection["id"], "dismissed", "不属实"))
    with pytest.raises(asyncpg.IntegrityConstraintViolationError):
        await pool.execute(
            "UPDATE objections SET status = 'upheld', resolution_comment = 'x' WHERE id = $1",
            objection["id"],
        )


def _from(
    client: AsyncTestClient, peer: str, app_id: str, forwarded: str | None = None
) -> httpx.Response:
    """An objection sent from `peer` (the socket's address), through a proxy if `forwarded`."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=client.app, client=(peer, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.post(
                f"/api/v1/public/announcements/{app_id}/objections",
                json={"reason": "该单位实际未举办此活动", "contact": "13900000000"},
                headers={"X-Forwarded-For": forwarded} if forwarded else {},
            )

    return client.blocking_portal.call(send)


async def test_the_form_is_throttled_per_client_address(
    client: AsyncTestClient, claim: dict[str, Any], pool: asyncpg.Pool
) -> None:
    for _ in range(3):
        assert _from(client, "203.0.113.5", claim["id"]).status_code == 201
    r = _from(client, "203.0.113.5", claim["id"])
    assert (r.status_code, r.json()["code"]) == (429, "too_many_requests")
    assert 1 <= int(r.headers["Retry-After"]) <= 600
    # A forwarded address counts only behind the trusted proxy (10.9.9.9 in the test settings).
    r = _from(client, "203.0.113.5", claim["id"], forwarded="198.51.100.1")
    assert r.status_code == 429
    assert _from(client, "10.9.9.9", claim["id"], forwarded="198.51.100.1").status_code == 201
    assert await pool.fetchval("SELECT count(*) FROM objections") == 4


async def test_objections_sent_at_once_from_one_address_pass_the_limit_never(
    client: AsyncTestClient, claim: dict[str, Any], pool: asyncpg.Pool
) -> None:
    body = {"reason": "该单位实际未举办此活动", "contact": "13900000000"}
    url = f"/api/v1/public/announcements/{claim['id']}/objections"
    answers = concurrently(client, [{"method": "POST", "url": url, "json": body}] * 10)
    assert sorted(r.status_code for r in answers) == [201] * 3 + [429] * 7
    assert await pool.fetchval("SELECT count(*) FROM objections") == 3


async def test_an_announcement_takes_at_most_twenty_objections_in_ten_minutes(
    client: AsyncTestClient, team: dict[str, Any], claim: dict[str, Any], clock: FrozenClock
) -> None:
    for i in range(20):
        r = _from(client, "10.9.9.9", claim["id"], forwarded=f"198.51.100.{i}")
        assert r.status_code == 201, r.text
    r = _from(client, "10.9.9.9", claim["id"], forwarded="198.51.100.99")
    assert (r.status_code, r.json()["code"]) == (429, "too_many_requests")
    clock.advance(dt.timedelta(minutes=11))
    assert _from(client, "10.9.9.9", claim["id"], forwarded="198.51.100.99").status_code == 201


async def test_a_districts_approver_resolves_no_objection_the_city_does(
    client: AsyncTestClient,
    team: dict[str, Any],
    claim: dict[str, Any],
    staff: StaffFactory,
    pool: asyncpg.Pool,
) -> None:
    """Resolving is the city's, whichever way it is asked: as for upholding by a decision."""
    objection = await ok(await lodge_objection(client, claim["id"]), 201)
    district = await pool.fetchval(
        "SELECT district_code FROM applications WHERE id = $1::uuid", claim["id"]
    )
    local = await staff("approver", "reviewer", districts=(district,))
    seen = await ok(await client.get(f"{OBJECTIONS}/{objection['id']}", headers=bearer(local)))
    assert seen["status"] == "open"  # theirs to see
    for outcome in ("dismissed", "upheld"):
        r = await resolve(client, local, objection["id"], outcome, "区级意见")
        assert (r.status_code, r.json()["code"]) == (403, "city_decides"), outcome
        assert "此环节由市级办理" in r.json()["detail"]
    r = await client.post(
        f"/api/v1/admin/applications/{claim['id']}/decisions",
        json={"action": "uphold_objection", "comment": "区级意见", "declare_no_conflict": True},
        headers=bearer(local),
    )
    assert (r.status_code, r.json()["code"]) == (403, "city_decides")
    assert (
        await pool.fetchval("SELECT status FROM objections WHERE id = $1::uuid", objection["id"])
        == "open"
    )
    app = await get_app(client, team["approver"], claim["id"])
    assert app["status"] == "publicized" and app["award"] is not None

    done = await ok(await resolve(client, team["approver"], objection["id"], "upheld", "属实"))
    assert done["status"] == "upheld"
    assert (await get_app(client, team["approver"], claim["id"]))["status"] == "submitted"
