"""Scenario projects (calls, scores, ranking, selection), unveiling awards, and 不重复享受."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import PAYEE, create, decide, filing_body, ok, submit


def project(title: str, total: str = "5000000.00", **over: Any) -> dict[str, Any]:
    half = f"{int(total.split('.')[0]) // 2}.00"
    rest = f"{int(total.split('.')[0]) - int(half.split('.')[0])}.00"
    body = {
        "type": "scenario_project",
        "call_year": 2026,
        "title": title,
        "field": "smart_manufacturing",
        "total_investment": total,
        "starts_on": "2026-04-01",
        "ends_on": "2027-03-31",
        "investment_lines": [
            {"category": "equipment", "description": "算力设备", "amount": half},
            {"category": "services", "description": "软件开发", "amount": rest},
        ],
        "payee": PAYEE,
    }
    return body | over


def unveiling(**over: Any) -> dict[str, Any]:
    body = {
        "type": "unveiling_award",
        "task_list": "ai_innovation",
        "task_name": "智慧港口AI调度平台",
        "task_batch": "2025年第二批",
        "certificate_no": "JBGS-2025-0042",
        "transformation_summary": "成果已在阳逻港落地应用",
        "payee": PAYEE,
    }
    return body | over


@pytest.fixture
async def team(client: AsyncTestClient, staff: StaffFactory) -> dict[str, Any]:
    admin = await staff("admin")
    org = await register(client)
    return {
        "org": org,
        "a": org["token"],
        "admin": admin,
        "appr": await staff("approver"),
        "experts": [await staff("reviewer") for _ in range(3)],
    }


async def open_call(
    client: AsyncTestClient, admin: str, opens: str = "2026-03-01", closes: str = "2026-04-30"
) -> Any:
    return await client.put(
        "/api/v1/admin/calls/scenario-project/2026",
        json={"opens_on": opens, "closes_on": closes},
        headers=bearer(admin),
    )


async def scored_and_passed(
    client: AsyncTestClient, t: dict[str, Any], body: dict[str, Any], scores: list[int]
) -> str:
    app = await create(client, t["a"], body)
    await ok(await submit(client, t["a"], app["id"]))
    for expert, score in zip(t["experts"], scores, strict=True):
        await ok(
            await client.post(
                f"/api/v1/admin/applications/{app['id']}/scores",
                json={"score": score, "comment": "方案可行", "declare_no_conflict": True},
                headers=bearer(expert),
            ),
            201,
        )
    await ok(await decide(client, t["experts"][0], app["id"], "pass"))
    return str(app["id"])


async def test_call_window(client: AsyncTestClient, team: dict[str, Any]) -> None:
    app = await create(client, team["a"], project("智能质检"))
    r = await submit(client, team["a"], app["id"])
    assert (r.status_code, r.json()["code"]) == (422, "call_closed")  # no call yet
    out = await ok(await open_call(client, team["admin"]))
    assert out["open_now"] is True
    assert (await client.get("/api/v1/calls")).json()["items"][0]["year"] == 2026
    await ok(await open_call(client, team["admin"], "2026-03-03", "2026-04-30"))
    r = await submit(client, team["a"], app["id"])
    assert (r.status_code, r.json()["code"]) == (422, "call_closed")  # opens tomorrow
    await ok(await open_call(client, team["admin"], "2026-01-01", "2026-03-01"))
    r = await submit(client, team["a"], app["id"])
    assert (r.status_code, r.json()["code"]) == (422, "call_closed")  # closed yesterday
    r = await open_call(client, team["admin"], "2026-05-01", "2026-04-01")
    assert r.status_code == 422
    r = await client.put(
        "/api/v1/admin/calls/scenario-project/2026",
        json={"opens_on": "2026-03-01", "closes_on": "2026-04-30"},
        headers=bearer(team["a"]),
    )
    assert r.status_code == 403


async def test_scores_rules_and_the_award(client: AsyncTestClient, team: dict[str, Any]) -> None:
    await ok(await open_call(client, team["admin"]))
    await ok(
        await client.put(
            "/api/v1/admin/budgets/scenario-project/2026",
            json={"allocated": "10000000.00"},
            headers=bearer(team["admin"]),
        )
    )
    bad = await create(
        client,
        team["a"],
        project("x", investment_lines=[{"category": "equipment", "amount": "1.00"}]),
    )
    r = await submit(client, team["a"], bad["id"])
    assert (r.status_code, r.json()["code"]) == (422, "investment_mismatch")
    app = await create(client, team["a"], project("工业视觉检测", total="3000000.00"))
    assert app["amount_requested"] == "900000.00"
    await ok(await submit(client, team["a"], app["id"]))
    url = f"/api/v1/admin/applications/{app['id']}/scores"
    e1, e2, e3 = team["experts"]
    r = await client.post(
        url, json={"score": 80, "comment": "好", "declare_no_conflict": False}, headers=bearer(e1)
    )
    assert (r.status_code, r.json()["code"]) == (422, "conflict_not_declared")
    for bad_score in (-1, 101):
        r = await client.post(
            url,
            json={"score": bad_score, "comment": "x", "declare_no_conflict": True},
            headers=bearer(e1),
        )
        assert r.status_code == 422
    await ok(
        await client.post(
            url,
            json={"score": 80, "comment": "好", "declare_no_conflict": True},
            headers=bearer(e1),
        ),
        201,
    )
    r = await client.post(
        url, json={"score": 90, "comment": "再评", "declare_no_conflict": True}, headers=bearer(e1)
    )
    assert (r.status_code, r.json()["code"]) == (409, "already_scored")
    await ok(
        await client.post(
            url,
            json={"score": 70, "comment": "可", "declare_no_conflict": True},
            headers=bearer(e2),
        ),
        201,
    )
    r = await decide(client, e1, app["id"], "pass")
    assert (r.status_code, r.json()["code"]) == (409, "scores_missing")
    await ok(
        await client.post(
            url,
            json={"score": 75, "comment": "可", "declare_no_conflict": True},
            headers=bearer(e3),
        ),
        201,
    )
    await ok(
        await decide(
            client,
            e1,
            app["id"],
            "pass",
            approved_lines={"1": "1000000.00"},
            comment="软件费用核减",
        )
    )
    got = await ok(await decide(client, team["appr"], app["id"], "approve"))
    assert got["award"]["amount"] == "750000.00"  # 30% of 1,500,000 + 1,000,000


async def test_ranking_and_selection_within_budget(
    client: AsyncTestClient, team: dict[str, Any]
) -> None:
    await ok(await open_call(client, team["admin"]))
    await ok(
        await client.put(
            "/api/v1/admin/budgets/scenario-project/2026",
            json={"allocated": "1700000.00"},
            headers=bearer(team["admin"]),
        )
    )
    a = await scored_and_passed(
        client, team, project("甲", "5000000.00"), [90, 92, 88]
    )  # 1,000,000 (capped)
    b = await scored_and_passed(
        client, team, project("乙", "3000000.00"), [85, 86, 84]
    )  # 900,000: does not fit
    c = await scored_and_passed(
        client, team, project("丙", "1000000.00"), [70, 71, 69]
    )  # 300,000: after b, not taken
    ranking = (
        await client.get(
            "/api/v1/admin/calls/scenario-project/2026/ranking", headers=bearer(team["appr"])
        )
    ).json()
    assert [
        (x["application_id"], x["average"], x["award"], x["fits"]) for x in ranking["items"]
    ] == [
        (a, "90.00", "1000000.00", True),
        (b, "85.00", "900000.00", False),
        (c, "70.00", "300000.00", False),
    ]
    out = await ok(
        await client.post(
            "/api/v1/admin/calls/scenario-project/2026/selection",
            json={"declare_no_conflict": True},
            headers=bearer(team["appr"]),
        )
    )
    assert (out["approved"], out["not_selected"]) == ([a], [b, c])
    budget = (
        await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(team["admin"]))
    ).json()
    assert {x["program"]: x["reserved"] for x in budget["items"]}[
        "scenario-project"
    ] == "1000000.00"


async def test_unveiling_award_once_per_task(client: AsyncTestClient, team: dict[str, Any]) -> None:
    await ok(
        await client.put(
            "/api/v1/admin/budgets/unveiling-award/2026",
            json={"allocated": "5000000.00"},
            headers=bearer(team["admin"]),
        )
    )
    app = await create(client, team["a"], unveiling())
    assert app["amount_requested"] == "1000000.00"
    await ok(await submit(client, team["a"], app["id"]))
    await ok(await decide(client, team["experts"][0], app["id"], "pass"))
    got = await ok(await decide(client, team["appr"], app["id"], "approve"))
    assert (got["award"]["amount"], got["reference"]) == ("1000000.00", "WHAI-UA-2026-0001")
    again = await create(client, team["a"], unveiling(task_name="另一个任务"))  # same certificate
    r = await submit(client, team["a"], again["id"])
    assert (r.status_code, r.json()["code"]) == (409, "claim_exists")
    r = await client.post(
        "/api/v1/applications",
        json=unveiling(task_list="national_lottery"),
        headers=bearer(team["a"]),
    )
    assert r.status_code == 422
    missing = await create(client, team["a"], unveiling(certificate_no=None, task_name="第三个"))
    r = await submit(client, team["a"], missing["id"])
    assert (r.status_code, r.json()["code"]) == (422, "required")


async def test_the_same_thing_claimed_twice_is_flagged(
    client: AsyncTestClient, team: dict[str, Any]
) -> None:
    await ok(await open_call(client, team["admin"]))
    scenario = await create(client, team["a"], project("智慧港口 AI 调度平台"))
    award = await create(client, team["a"], unveiling(task_name="智慧港口AI调度平台"))
    await ok(await submit(client, team["a"], scenario["id"]))
    await ok(await submit(client, team["a"], award["id"]))
    reviewer = team["experts"][0]
    for mine, other in ((scenario, award), (award, scenario)):
        got = (
            await client.get(f"/api/v1/applications/{mine['id']}", headers=bearer(reviewer))
        ).json()
        assert [(f["code"], f["related"]) for f in got["flags"]] == [
            ("duplicate_benefit", [other["id"]])
        ]
    # Another firm's project of the same name is not the same thing.
    other_org = await register(client)
    theirs = await create(client, other_org["token"], project("智慧港口AI调度平台"))
    got = (
        await client.get(f"/api/v1/applications/{theirs['id']}", headers=bearer(reviewer))
    ).json()
    assert got["flags"] == []
    # Two filings of one event by one organizer are flagged too.
    f1 = await create(client, team["a"], filing_body(title="光谷AI大会"))
    f2 = await create(client, team["a"], filing_body(title="光谷 AI 大会"))
    got = (await client.get(f"/api/v1/applications/{f2['id']}", headers=bearer(reviewer))).json()
    assert got["flags"] == []  # drafts are not yet claims
    await ok(await submit(client, team["a"], f1["id"]))
    got = (await client.get(f"/api/v1/applications/{f2['id']}", headers=bearer(reviewer))).json()
    assert [f["related"] for f in got["flags"]] == [[f1["id"]]]
