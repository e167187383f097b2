"""Programs as data that admins write: drafts previewed, compared and published; a version
governs only once published; a program not in the policy runs without a line of code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, make_uscc, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import PAYEE, decide, ok, submit
from tests.portal.test_program_claims import attach, model_claim

ADMIN = "/api/v1/admin/programs"

TRAINING: dict[str, Any] = {
    "fields": [
        {
            "name": "course",
            "kind": "text",
            "label_zh": "培训项目",
            "label_en": "Course",
            "required": True,
        },
        {
            "name": "costs",
            "kind": "lines",
            "label_zh": "培训费用",
            "label_en": "Training costs",
            "required": True,
            "options": [
                {"value": "tuition", "label_zh": "学费", "label_en": "Tuition"},
                {"value": "travel", "label_zh": "差旅", "label_en": "Travel"},
            ],
        },
    ],
    "documents": [
        {"kind": "contract", "label_zh": "培训合同", "label_en": "Training contract"},
        {"kind": "invoice", "label_zh": "培训发票", "label_en": "Invoices"},
    ],
    "eligibility": [{"rule": "registered_in_wuhan"}, {"rule": "at_most", "per": "organization"}],
    "award": [
        {"op": "input", "field": "costs"},
        {"op": "rate", "bp": 3000},
        {"op": "cap", "amount": "300000.00"},
    ],
    "estimate_inputs": ["costs"],
    "title_field": "course",
}


def new_program(**over: Any) -> dict[str, Any]:
    return {
        "code": "ai-training-subsidy",
        "article": "九",
        "title_zh": "人工智能人才培训补贴",
        "title_en": "AI training subsidy",
        "effective_from": "2026-01-01",
        "effective_to": "2026-12-31",
        "params": TRAINING,
    } | over


@pytest.fixture
async def admin(staff: StaffFactory) -> str:
    return await staff("admin")


async def test_a_program_not_in_the_policy_runs_without_code(
    client: AsyncTestClient, admin: str, staff: StaffFactory, clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    draft = await ok(await client.post(ADMIN, json=new_program(), headers=bearer(admin)), 201)
    assert (draft["version"], draft["status"]) == (1, "draft")
    # A draft is shown to no one and governs nothing; its preview shows what it would do.
    assert "ai-training-subsidy" not in {
        p["code"] for p in (await client.get("/api/v1/programs")).json()["items"]
    }
    r = await client.post("/api/v1/programs/ai-training-subsidy/estimate", json={"costs": "100.00"})
    assert (r.status_code, r.json()["code"]) == (404, "unknown_program")
    preview = await ok(
        await client.post(
            f"{ADMIN}/ai-training-subsidy/versions/1/preview",
            json={"inputs": {"costs": "2000000.00"}},
            headers=bearer(admin),
        )
    )
    assert preview["estimate"]["amount"] == "300000.00" and preview["refused"] == []
    assert [f["name"] for f in preview["form"]["fields"]] == ["course", "costs"]
    published = await ok(
        await client.post(
            f"{ADMIN}/ai-training-subsidy/versions/1/publish", json={}, headers=bearer(admin)
        )
    )
    assert published["status"] == "published"

    org = await register(client, uscc=make_uscc("420103"))
    a = org["token"]
    await ok(
        await client.put(
            "/api/v1/admin/budgets/ai-training-subsidy/2026",
            json={"allocated": "1000000.00"},
            headers=bearer(admin),
        )
    )
    body = {
        "type": "program_claim",
        "program_code": "ai-training-subsidy",
        "fields": {
            "course": "大模型工程师培训",
            "costs": [
                {"category": "tuition", "description": "学费", "amount": "600000.00"},
                {"category": "travel", "description": "差旅", "amount": "100000.00"},
            ],
        },
        "payee": PAYEE,
        "documents": await attach(client, a, "contract", "invoice"),
    }
    claim = await ok(await client.post("/api/v1/applications", json=body, headers=bearer(a)), 201)
    assert claim["amount_requested"] == "210000.00"
    assert [x["amount"] for x in claim["payload"]["fields"]["costs"]] == ["600000.00", "100000.00"]
    assert set(claim["payload"]["fields"]["costs"][0]) == {"category", "description", "amount"}
    # A change of the documents alone keeps the lines as they were.
    documents = claim["payload"]["documents"]
    patched = await ok(
        await client.patch(
            f"/api/v1/applications/{claim['id']}",
            json={"documents": documents[:1]},
            headers=bearer(a),
        )
    )
    assert patched["payload"]["fields"]["costs"] == claim["payload"]["fields"]["costs"]
    await ok(
        await client.patch(
            f"/api/v1/applications/{claim['id']}", json={"documents": documents}, headers=bearer(a)
        )
    )
    await ok(await submit(client, a, claim["id"]))
    rev, appr, fin = await staff("reviewer"), await staff("approver"), await staff("finance")
    await ok(
        await decide(
            client,
            rev,
            claim["id"],
            "pass",
            approved_lines={"1": "0.00"},
            line_reasons={"1": "差旅不在支持范围"},
        )
    )
    approved = await ok(await decide(client, appr, claim["id"], "approve"))
    assert approved["award"]["amount"] == "180000.00"
    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [claim["id"]], "starts_on": clock.today().isoformat()},
            headers=bearer(admin),
        ),
        201,
    )
    clock.set_date(clock.today() + dt.timedelta(days=14))
    url = f"/api/v1/admin/applications/{claim['id']}/disbursements"
    pay = {"paid_on": clock.today().isoformat(), "amount": "180000.00", "reference": "BK-T1"}
    assert (await ok(await client.post(url, json=pay, headers=bearer(fin)), 201))[
        "status"
    ] == "disbursed"
    # Once per firm.
    again = await ok(
        await client.post(
            "/api/v1/applications",
            json=body | {"documents": await attach(client, a, "contract", "invoice")},
            headers=bearer(a),
        ),
        201,
    )
    r = await submit(client, a, again["id"])
    assert (r.status_code, r.json()["code"]) == (409, "limit_reached")
    actions = [
        r["action"]
        for r in await pool.fetch(
            "SELECT action FROM audit_events WHERE entity_type = 'program' ORDER BY seq"
        )
    ]
    assert actions == ["program.created", "program.version_published"]


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda d: d["fields"][0].update(kind="slider"), "params.fields[0].kind"),
        (lambda d: d["award"][2].update(amount="-1.00"), "params.award[2].amount"),
        (lambda d: d["award"][0].update(field="fees"), "params.award[0].field"),
        (lambda d: d["award"][1].update(bp=12000), "params.award[1].bp"),
        (lambda d: d["eligibility"][1].update(per="teacher"), "params.eligibility[1].per"),
        (lambda d: d.update(estimate_inputs=[]), "params.estimate_inputs"),
        (lambda d: d["fields"][1].update(options=[]), "params.fields[1].options"),
    ],
)
async def test_an_unsound_definition_is_refused_naming_the_place(
    client: AsyncTestClient, admin: str, pool: asyncpg.Pool, change: Any, place: str
) -> None:
    import copy

    definition = copy.deepcopy(TRAINING)
    change(definition)
    r = await client.post(ADMIN, json=new_program(params=definition), headers=bearer(admin))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_definition"), r.text
    assert place in [e["field"] for e in r.json()["errors"]], r.text
    assert (
        await pool.fetchval("SELECT count(*) FROM programs WHERE code = 'ai-training-subsidy'") == 0
    )


async def test_drafts_change_published_versions_never_and_a_diff_says_what_moved(
    client: AsyncTestClient, admin: str
) -> None:
    await ok(await client.post(ADMIN, json=new_program(), headers=bearer(admin)), 201)
    url = f"{ADMIN}/ai-training-subsidy/versions/1"
    changed = TRAINING | {
        "award": [TRAINING["award"][0], {"op": "rate", "bp": 4000}, TRAINING["award"][2]]
    }
    body = {
        "effective_from": "2026-01-01",
        "effective_to": "2026-12-31",
        "params": changed,
        "note": "提高比例",
    }
    assert (await ok(await client.put(url, json=body, headers=bearer(admin))))["params"]["award"][
        1
    ]["bp"] == 4000
    await ok(
        await client.post(
            f"{url}/publish", json={"effective_from": "2026-03-01"}, headers=bearer(admin)
        )
    )
    r = await client.put(url, json=body, headers=bearer(admin))
    assert (r.status_code, r.json()["code"]) == (409, "version_published")
    r = await client.post(f"{url}/publish", json={}, headers=bearer(admin))
    assert (r.status_code, r.json()["code"]) == (409, "version_published")
    two = TRAINING | {
        "award": [
            TRAINING["award"][0],
            {"op": "rate", "bp": 4000},
            {"op": "cap", "amount": "500000.00"},
        ]
    }
    v2 = await ok(
        await client.post(
            f"{ADMIN}/ai-training-subsidy/versions",
            json={"effective_from": "2026-06-01", "effective_to": "2026-12-31", "params": two},
            headers=bearer(admin),
        ),
        201,
    )
    assert v2["version"] == 2 and v2["status"] == "draft"
    diff = await ok(
        await client.get(
            f"{ADMIN}/ai-training-subsidy/versions/2/diff?against=1", headers=bearer(admin)
        )
    )
    assert [(c["path"], c["before"], c["after"]) for c in diff["changes"]] == [
        ("effective_from", "2026-03-01", "2026-06-01"),
        ("params.award[2].amount", "300000.00", "500000.00"),
    ]


async def test_a_published_version_governs_new_applications_only(
    client: AsyncTestClient, admin: str, clock: FrozenClock
) -> None:
    org = await register(client, uscc=make_uscc("420111"))
    a = org["token"]
    docs = await attach(client, a, "certificate", "audit_report", "evidence")
    started = await ok(
        await client.post(
            "/api/v1/applications", json=model_claim(documents=docs), headers=bearer(a)
        ),
        201,
    )
    got = (await client.get("/api/v1/programs/vertical-model")).json()["program"]["params"]
    lower = got | {
        "award": [got["award"][0], got["award"][1], {"op": "cap", "amount": "1000000.00"}]
    }
    body = {
        "effective_from": clock.today().isoformat(),
        "effective_to": "2027-05-31",
        "params": lower,
    }
    v2 = await ok(
        await client.post(f"{ADMIN}/vertical-model/versions", json=body, headers=bearer(admin)), 201
    )
    r = await client.post(
        "/api/v1/programs/vertical-model/estimate", json={"rd_costs": "20000000.00"}
    )
    assert (r.json()["amount"], r.json()["program_version"]) == (
        "5000000.00",
        1,
    )  # a draft governs nothing
    await ok(
        await client.post(
            f"{ADMIN}/vertical-model/versions/{v2['version']}/publish",
            json={},
            headers=bearer(admin),
        )
    )
    r = await client.post(
        "/api/v1/programs/vertical-model/estimate", json={"rd_costs": "20000000.00"}
    )
    assert (r.json()["amount"], r.json()["program_version"]) == ("1000000.00", 2)
    kept = await ok(await client.get(f"/api/v1/applications/{started['id']}", headers=bearer(a)))
    assert (kept["program_version"], kept["amount_requested"]) == (1, "5000000.00")
    # Edited after v2 is published, the draft is still read by the version it started under.
    fields = kept["payload"]["fields"] | {"rd_costs": "19000000.00"}
    edited = await ok(
        await client.patch(
            f"/api/v1/applications/{started['id']}", json={"fields": fields}, headers=bearer(a)
        )
    )
    assert (edited["program_version"], edited["amount_requested"]) == (1, "5000000.00")
    later = await ok(
        await client.post(
            "/api/v1/applications", json=model_claim(name="新模型"), headers=bearer(a)
        ),
        201,
    )
    assert (later["program_version"], later["amount_requested"]) == (2, "1000000.00")


async def test_experts_score_a_yearly_call_and_its_drafts_close_with_it(
    client: AsyncTestClient, admin: str, staff: StaffFactory, clock: FrozenClock
) -> None:
    scored = TRAINING | {
        "eligibility": [{"rule": "within_call"}],
        "workflow": {"experts": 2, "yearly_call": True, "publicity": False},
    }
    await ok(await client.post(ADMIN, json=new_program(params=scored), headers=bearer(admin)), 201)
    await ok(
        await client.post(
            f"{ADMIN}/ai-training-subsidy/versions/1/publish", json={}, headers=bearer(admin)
        )
    )
    await ok(
        await client.put(
            "/api/v1/admin/budgets/ai-training-subsidy/2026",
            json={"allocated": "1000000.00"},
            headers=bearer(admin),
        )
    )
    org = await register(client, uscc=make_uscc("420103"))
    a = org["token"]
    body = {
        "type": "program_claim",
        "program_code": "ai-training-subsidy",
        "fields": {
            "course": "培训",
            "costs": [{"category": "tuition", "description": "学费", "amount": "100000.00"}],
        },
        "payee": PAYEE,
        "documents": await attach(client, a, "contract", "invoice"),
    }
    claim = await ok(await client.post("/api/v1/applications", json=body, headers=bearer(a)), 201)
    r = await submit(client, a, claim["id"])
    assert (r.status_code, r.json()["code"]) == (422, "call_closed")  # no call this year yet
    await ok(
        await client.put(
            "/api/v1/admin/calls/ai-training-subsidy/2026",
            json={"opens_on": "2026-03-01", "closes_on": "2026-03-31"},
            headers=bearer(admin),
        )
    )
    await ok(await submit(client, a, claim["id"]))
    rev = await staff("reviewer")
    r = await decide(client, rev, claim["id"], "pass")
    assert (r.status_code, r.json()["code"]) == (409, "scores_missing")
    for expert in (rev, await staff("reviewer")):
        await ok(
            await client.post(
                f"/api/v1/admin/applications/{claim['id']}/scores",
                json={"score": 80, "comment": "良", "declare_no_conflict": True},
                headers=bearer(expert),
            ),
            201,
        )
    await ok(await decide(client, rev, claim["id"], "pass"))
    approved = await ok(await decide(client, await staff("approver"), claim["id"], "approve"))
    assert approved["status"] == "confirmed"  # no publicity: ready to pay at once

    late = await ok(
        await client.post(
            "/api/v1/applications", json=body | {"fields": {"course": "二期"}}, headers=bearer(a)
        ),
        201,
    )
    clock.set_date(dt.date(2026, 4, 1))  # the call closed yesterday
    r = await client.patch(
        f"/api/v1/applications/{late['id']}", json={"fields": {"course": "三期"}}, headers=bearer(a)
    )
    assert (r.status_code, r.json()["code"]) == (409, "call_closed")


async def test_a_draft_is_read_only_once_its_version_has_ended(
    client: AsyncTestClient, admin: str, clock: FrozenClock
) -> None:
    await ok(
        await client.post(
            ADMIN,
            json=new_program(
                effective_to="2026-03-31",
            ),
            headers=bearer(admin),
        ),
        201,
    )
    await ok(
        await client.post(
            f"{ADMIN}/ai-training-subsidy/versions/1/publish", json={}, headers=bearer(admin)
        )
    )
    org = await register(client, uscc=make_uscc("420103"))
    a = org["token"]
    body = {
        "type": "program_claim",
        "program_code": "ai-training-subsidy",
        "fields": {"course": "培训"},
        "payee": PAYEE,
        "documents": await attach(client, a, "contract", "invoice"),
    }
    draft = await ok(await client.post("/api/v1/applications", json=body, headers=bearer(a)), 201)
    clock.set_date(dt.date(2026, 4, 1))  # the day after the version's window
    url = f"/api/v1/applications/{draft['id']}"
    r = await client.patch(url, json={"fields": {"course": "二期"}}, headers=bearer(a))
    assert (r.status_code, r.json()["code"]) == (409, "program_closed")
    r = await submit(client, a, draft["id"])
    assert (r.status_code, r.json()["code"]) == (409, "program_closed")
    assert "2026-03-31" in r.json()["detail"]
    r = await client.post(f"{url}/withdraw", headers=bearer(a))
    assert r.status_code == 200  # withdrawing is still the applicant's to do


async def test_the_database_keeps_a_published_version_as_it_is(pool: asyncpg.Pool) -> None:
    with pytest.raises(asyncpg.CheckViolationError, match="published and never changes"):
        await pool.execute(
            "UPDATE program_versions SET params = '{}' WHERE program_code = 'vertical-model'"
        )
