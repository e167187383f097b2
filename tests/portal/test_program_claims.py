"""Claims on programs defined as data: the ten other money articles of the policy, each
estimated, applied for, checked, reviewed, approved and paid by the one engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, make_uscc, register, token
from tests.portal.conftest import StaffFactory
from tests.portal.flows import PAYEE, decide, ok, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def estimate(
    client: AsyncTestClient, code: str, body: dict[str, Any], lang: str = "zh"
) -> Any:
    return await client.post(
        f"/api/v1/programs/{code}/estimate", json=body, headers={"Accept-Language": lang}
    )


# Programs whose version 2 governs: the district reviews the match first; the park award and the
# compute grant are claimed within three consecutive years.
AMENDED = ("computing-center-match", "ai-park-award", "vertical-model-compute")


@pytest.mark.parametrize(
    ("code", "inputs", "amount", "capped"),
    [
        ("key-rd-project", {"requested": "800000.00"}, "800000.00", False),
        ("key-rd-project", {"requested": "1500000.00"}, "1000000.00", True),
        ("computing-center-match", {"provincial_subsidy": "3000000.00"}, "3000000.00", False),
        ("vertical-model", {"rd_costs": "1000000.00"}, "300000.00", False),
        ("vertical-model", {"rd_costs": "20000000.00"}, "5000000.00", True),
        (
            "vertical-model-compute",
            {"local_compute_fees": "4000000.00", "already_paid": "4000000.00"},
            "1000000.00",
            True,
        ),
        ("vertical-model-compute", {"local_compute_fees": "1000000.00"}, "500000.00", False),
        ("public-platform-award", {"requested": "3000000.00"}, "2000000.00", True),
        ("pilot-platform-support", {"requested": "12000000.00"}, "10000000.00", True),
        ("little-giant-reward", {}, "500000.00", False),
        ("unicorn-reward", {}, "1000000.00", False),
        ("ai-park-award", {"requested": "8000000.00", "year_index": 2}, "8000000.00", False),
        ("cluster-award", {}, "5000000.00", False),
    ],
)
async def test_each_program_estimates_in_both_languages(
    client: AsyncTestClient, code: str, inputs: dict[str, Any], amount: str, capped: bool
) -> None:
    zh = await ok(await estimate(client, code, inputs))
    version = 2 if code in AMENDED else 1
    assert (zh["amount"], zh["capped"], zh["program_version"]) == (amount, capped, version)
    # The last line gives the award, or the funders' shares together do.
    shares = [b for b in zh["breakdown"] if b["label"].startswith(("市级", "区级"))]
    total = sum(int(b["amount"].replace(".", "")) for b in shares)
    last = zh["breakdown"][-1]["amount"]
    assert (f"{total // 100}.{total % 100:02d}" if shares else last) == amount
    en = await ok(await estimate(client, code, inputs, "en"))
    assert en["amount"] == amount
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en["rule"] + str(en["breakdown"]))


async def test_the_match_is_split_between_city_and_district(client: AsyncTestClient) -> None:
    got = await ok(
        await estimate(client, "computing-center-match", {"provincial_subsidy": "3000000.01"})
    )
    assert [(b["label"], b["amount"]) for b in got["breakdown"]] == [
        ("市级 50%", "1500000.00"),
        ("区级 50%", "1500000.01"),
    ]


@pytest.mark.parametrize(
    ("code", "inputs", "status", "rule"),
    [
        ("key-rd-project", {"requested": "400000.00"}, 422, "below_minimum"),
        (
            "vertical-model-compute",
            {"local_compute_fees": "1.00", "already_paid": "5000000.00"},
            409,
            "cap_reached",
        ),
        ("ai-park-award", {"requested": "1.00", "year_index": 4}, 422, "invalid_input"),
        ("ai-park-award", {"requested": "1.00"}, 422, "invalid_input"),
        ("vertical-model", {"rd_costs": 1000}, 422, "invalid_input"),
        ("vertical-model", {"rd_costs": "1.00", "requested": "1.00"}, 422, "invalid_input"),
        ("little-giant-reward", {"requested": "1.00"}, 422, "invalid_input"),
    ],
)
async def test_inputs_the_rule_refuses_say_why(
    client: AsyncTestClient, code: str, inputs: dict[str, Any], status: int, rule: str
) -> None:
    r = await estimate(client, code, inputs)
    assert (r.status_code, r.json()["code"]) == (status, rule), r.text


async def test_the_program_page_carries_its_form_documents_and_inputs(
    client: AsyncTestClient,
) -> None:
    got = (await ok(await client.get("/api/v1/programs/vertical-model")))["program"]
    assert [f["name"] for f in got["form"]["fields"]] == [
        "model_name",
        "industry",
        "filing_no",
        "deployment",
        "rd_costs",
    ]
    industry = got["form"]["fields"][1]
    assert industry["kind"] == "choice" and industry["options"][0]["value"] == "electronics"
    assert [(d["kind"], d["required"]) for d in got["documents"]] == [
        ("certificate", True),
        ("audit_report", True),
        ("evidence", True),
    ]
    assert got["estimate_inputs"] == ["rd_costs"] and got["kind"] == "defined"


async def upload(client: AsyncTestClient, token: str, name: str = "材料.pdf") -> str:
    r = await client.post(
        "/api/v1/documents", files={"file": (name, PDF, "application/pdf")}, headers=bearer(token)
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def attach(client: AsyncTestClient, token: str, *kinds: str) -> list[dict[str, str]]:
    return [{"document_id": await upload(client, token), "kind": k} for k in kinds]


def model_claim(
    name: str = "江城质检大模型", rd_costs: str = "20000000.00", **over: Any
) -> dict[str, Any]:
    return {
        "type": "program_claim",
        "program_code": "vertical-model",
        "fields": {
            "model_name": name,
            "industry": "industrial_inspection",
            "filing_no": "Hubei-WuHan-202601010001",
            "deployment": "已在武汉三家工厂落地",
            "rd_costs": rd_costs,
        },
        "payee": PAYEE,
    } | over


def rd_claim(documents: list[dict[str, str]]) -> dict[str, Any]:
    """A key R&D project asking 900,000.00 (staff approve an amount within 500,000–1,000,000)."""
    return {
        "type": "program_claim",
        "program_code": "key-rd-project",
        "fields": {
            "project_name": "工业视觉基础模型",
            "research_area": "model_algorithms",
            "summary": "研究内容",
            "starts_on": "2026-04-01",
            "ends_on": "2027-03-31",
            "requested": "900000.00",
        },
        "payee": PAYEE,
        "documents": documents,
    }


@pytest.fixture
async def team(client: AsyncTestClient, staff: StaffFactory) -> dict[str, Any]:
    admin = await staff("admin")
    for code in ("vertical-model", "key-rd-project", "little-giant-reward"):
        await ok(
            await client.put(
                f"/api/v1/admin/budgets/{code}/2026",
                json={"allocated": "50000000.00"},
                headers=bearer(admin),
            )
        )
    org = await register(client, uscc=make_uscc("420111"), name="武汉江城智造科技有限公司")
    return {
        "org": org,
        "a": org["token"],
        "rev": await staff("reviewer"),
        "district_rev": await staff("reviewer", districts=("420111",)),  # the firm's district
        "appr": await staff("approver"),
        "fin": await staff("finance"),
        "admin": admin,
    }


async def test_a_claim_goes_from_draft_to_payment_on_the_definition_alone(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    a = team["a"]
    draft = await ok(
        await client.post("/api/v1/applications", json=model_claim(), headers=bearer(a)), 201
    )
    assert (draft["type"], draft["program_code"], draft["status"]) == (
        "program_claim",
        "vertical-model",
        "draft",
    )
    assert draft["payload"]["fields"]["rd_costs"] == "20000000.00"
    assert draft["amount_requested"] == "5000000.00"
    r = await submit(client, a, draft["id"])
    assert r.status_code == 422
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("documents", "documents_missing"),
        ("documents", "documents_missing"),
        ("documents", "documents_missing"),
    ]
    assert "研发费用专项审计报告" in r.json()["detail"]
    docs = await attach(client, a, "certificate", "audit_report", "evidence")
    await ok(
        await client.patch(
            f"/api/v1/applications/{draft['id']}", json={"documents": docs}, headers=bearer(a)
        )
    )
    assert (await ok(await submit(client, a, draft["id"])))["status"] == "submitted"

    await ok(await decide(client, team["rev"], draft["id"], "pass"))
    approved = await ok(await decide(client, team["appr"], draft["id"], "approve"))
    award = approved["award"]
    assert (award["amount"], award["capped"], award["program_version"]) == ("5000000.00", True, 1)
    assert [b["amount"] for b in award["breakdown"]] == ["6000000.00", "5000000.00"]
    assert award["rule"] == "min(30% × 研发成本(元), 5,000,000.00)(第三条)"
    assert approved["reference"].startswith("WHAI-PC-2026-")

    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [draft["id"]], "starts_on": clock.today().isoformat()},
            headers=bearer(team["admin"]),
        ),
        201,
    )
    clock.set_date(clock.today() + dt.timedelta(days=14))
    paid = await ok(
        await client.post(
            "/api/v1/admin/payment-batches",
            json={
                "items": [
                    {
                        "application_id": draft["id"],
                        "amount": "5000000.00",
                        "paid_on": clock.today().isoformat(),
                        "reference": "BK-1",
                    }
                ]
            },
            headers=bearer(team["fin"]),
        ),
        201,
    )
    assert paid["total"] == "5000000.00"
    budgets = await ok(
        await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(team["admin"]))
    )
    assert {b["program"]: b["spent"] for b in budgets["items"]}["vertical-model"] == "5000000.00"


async def test_every_rule_code_of_the_definitions_through_http(
    client: AsyncTestClient, team: dict[str, Any], staff: StaffFactory
) -> None:
    a = team["a"]
    docs = await attach(client, a, "certificate", "audit_report", "evidence")
    first = await ok(
        await client.post(
            "/api/v1/applications", json=model_claim(documents=docs), headers=bearer(a)
        ),
        201,
    )
    await ok(await submit(client, a, first["id"]))
    # Once per model, whoever applies: another firm, the same model (spelt otherwise).
    other = await register(client, uscc=make_uscc("420106"))
    theirs = await attach(client, other["token"], "certificate", "audit_report", "evidence")
    again = await ok(
        await client.post(
            "/api/v1/applications",
            json=model_claim(name="江城 质检大模型", documents=theirs),
            headers=bearer(other["token"]),
        ),
        201,
    )
    r = await submit(client, other["token"], again["id"])
    assert (r.status_code, r.json()["code"]) == (409, "limit_reached"), r.text
    # Registered outside Wuhan.
    far = await register(client, uscc=make_uscc("440300"))
    far_docs = await attach(client, far["token"], "certificate", "audit_report", "evidence")
    away = await ok(
        await client.post(
            "/api/v1/applications",
            json=model_claim(name="深圳模型", documents=far_docs),
            headers=bearer(far["token"]),
        ),
        201,
    )
    r = await submit(client, far["token"], away["id"])
    assert (r.status_code, r.json()["code"]) == (422, "not_registered_in_wuhan")
    # A required field left empty; a field of the wrong kind; one the form lacks.
    body = model_claim(name="第二个模型", documents=docs)
    del body["fields"]["filing_no"]
    draft = await ok(await client.post("/api/v1/applications", json=body, headers=bearer(a)), 201)
    r = await submit(client, a, draft["id"])
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("fields.filing_no", "required")
    ]
    for fields, place in (
        ({"rd_costs": 100}, "fields.rd_costs"),
        ({"industry": "mining"}, "fields.industry"),
        ({"colour": "red"}, "fields.colour"),
    ):
        r = await client.post(
            "/api/v1/applications",
            json={"type": "program_claim", "program_code": "vertical-model", "fields": fields},
            headers=bearer(a),
        )
        assert (r.status_code, r.json()["errors"][0]["field"]) == (422, place), r.text
    r = await client.post(
        "/api/v1/applications",
        json={"type": "program_claim", "program_code": "no-such-program", "fields": {}},
        headers=bearer(a),
    )
    assert (r.status_code, r.json()["code"]) == (404, "unknown_program")
    # An amount asked for under the minimum.
    rd = {
        "type": "program_claim",
        "program_code": "key-rd-project",
        "fields": {
            "project_name": "可信大模型验证",
            "research_area": "trustworthy_ai",
            "summary": "研究内容",
            "starts_on": "2026-04-01",
            "ends_on": "2027-03-31",
            "requested": "400000.00",
        },
        "payee": PAYEE,
        "documents": await attach(client, a, "plan", "budget"),
    }
    low = await ok(await client.post("/api/v1/applications", json=rd, headers=bearer(a)), 201)
    r = await submit(client, a, low["id"])
    assert (r.status_code, r.json()["code"]) == (422, "below_minimum")


async def test_the_reviewer_sets_the_amount_approved_within_the_limits(
    client: AsyncTestClient, team: dict[str, Any]
) -> None:
    a = team["a"]
    body = rd_claim(await attach(client, a, "plan", "budget"))
    claim = await ok(await client.post("/api/v1/applications", json=body, headers=bearer(a)), 201)
    await ok(await submit(client, a, claim["id"]))
    r = await decide(
        client, team["rev"], claim["id"], "pass", approved_fields={"requested": "950000.00"}
    )
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "approved_fields.requested")
    r = await decide(client, team["rev"], claim["id"], "pass", approved_fields={"summary": "1.00"})
    assert r.status_code == 422
    await ok(
        await decide(
            client, team["rev"], claim["id"], "pass", approved_fields={"requested": "700000.00"}
        )
    )
    approved = await ok(await decide(client, team["appr"], claim["id"], "approve"))
    assert approved["award"]["amount"] == "700000.00"
    assert approved["payload"]["approved_fields"] == {"requested": "700000.00"}


async def test_staff_propose_the_little_giant_reward_from_the_recognition_list(
    client: AsyncTestClient, team: dict[str, Any], pool: asyncpg.Pool
) -> None:
    url = "/api/v1/admin/programs/little-giant-reward/proposals"
    item = {
        "uscc": team["org"]["org"]["uscc"],
        "fields": {"recognition_batch": "第六批", "recognized_on": "2025-07-01"},
    }
    r = await client.post(
        url, json={"items": [item, {"uscc": make_uscc("420102")}]}, headers=bearer(team["rev"])
    )
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "items[1].uscc")
    assert await pool.fetchval("SELECT count(*) FROM applications") == 0
    made = await ok(
        await client.post(url, json={"items": [item]}, headers=bearer(team["rev"])), 201
    )
    [app_id] = made["application_ids"]
    mine = await ok(await client.get(f"/api/v1/applications/{app_id}", headers=bearer(team["a"])))
    assert (mine["status"], mine["program_code"], mine["amount_requested"]) == (
        "draft",
        "little-giant-reward",
        "500000.00",
    )
    assert [h["action"] for h in mine["history"]] == ["proposed"]
    docs = await attach(client, team["a"], "certificate")
    await ok(
        await client.patch(
            f"/api/v1/applications/{app_id}",
            json={"documents": docs, "payee": PAYEE},
            headers=bearer(team["a"]),
        )
    )
    assert (await ok(await submit(client, team["a"], app_id)))["status"] == "submitted"
    r = await client.post(
        "/api/v1/admin/programs/vertical-model/proposals",
        json={"items": [item]},
        headers=bearer(team["rev"]),
    )
    assert (r.status_code, r.json()["code"]) == (409, "proposal_not_offered")
    r = await client.post(url, json={"items": [item]}, headers=bearer(team["fin"]))
    assert r.status_code == 403


SEEDED = (
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
)
SAMPLE = {
    "text": "样例",
    "long_text": "样例说明",
    "money": "800000.00",
    "date": "2026-02-01",
    "boolean": True,
}


def sample_fields(form: dict[str, Any]) -> dict[str, Any]:
    """A value for every field of a published form, from its kind alone (whole numbers from
    1, within every integer field's limits in the seed)."""
    out: dict[str, Any] = {}
    for f in form["fields"]:
        if f["kind"] == "choice":
            out[f["name"]] = f["options"][0]["value"]
        elif f["kind"] == "integer":
            out[f["name"]] = 2026 if "year" in f["name"] and "index" not in f["name"] else 1
        elif f["kind"] != "lines":
            out[f["name"]] = SAMPLE[f["kind"]]
    return out


@pytest.mark.parametrize("code", SEEDED)
async def test_every_seeded_program_runs_from_its_published_form_to_payment(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, code: str
) -> None:
    """Nothing here knows the program: the claim is made from what GET /programs/{code} says."""
    a = team["a"]
    for funder in ("city", "420111"):  # the city's budget, and the firm's district's (a split)
        await ok(
            await client.put(
                f"/api/v1/admin/budgets/{code}/2026",
                json={"allocated": "50000000.00", "funder": funder},
                headers=bearer(team["admin"]),
            )
        )
    program = (await ok(await client.get(f"/api/v1/programs/{code}")))["program"]
    kinds = [d["kind"] for d in program["documents"] if d["required"]]
    body = {
        "type": "program_claim",
        "program_code": code,
        "fields": sample_fields(program["form"]),
        "payee": PAYEE,
        "documents": await attach(client, a, *kinds),
    }
    claim = await ok(await client.post("/api/v1/applications", json=body, headers=bearer(a)), 201)
    await ok(await submit(client, a, claim["id"]))
    chain = (program["params"].get("workflow") or {}).get("review_chain", "city")
    first = team["district_rev"] if chain == "district_then_city" else team["rev"]
    await ok(await decide(client, first, claim["id"], "pass"))
    approved = await ok(await decide(client, team["appr"], claim["id"], "approve"))
    amount = approved["award"]["amount"]
    total = sum(int(b["amount"].replace(".", "")) for b in approved["award"]["breakdown"])
    assert f"{total // 100}.{total % 100:02d}" == amount and amount != "0.00"
    await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [claim["id"]], "starts_on": clock.today().isoformat()},
            headers=bearer(team["admin"]),
        ),
        201,
    )
    clock.set_date(clock.today() + dt.timedelta(days=14))
    pay = {"paid_on": clock.today().isoformat(), "amount": amount, "reference": f"BK-{code}"}
    paid = await ok(
        await client.post(
            f"/api/v1/admin/applications/{claim['id']}/disbursements",
            json=pay,
            headers=bearer(team["fin"]),
        ),
        201,
    )
    assert paid["status"] == "disbursed"


def park_claim(park: str, year_index: int, documents: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "type": "program_claim",
        "program_code": "ai-park-award",
        "fields": {
            "park_name": park,
            "year_index": year_index,
            "progress": "园区入驻人工智能企业 40 家",
            "requested": "8000000.00",
        },
        "payee": PAYEE,
        "documents": documents,
    }


async def test_the_park_award_is_claimed_once_a_year_within_three_consecutive_years(
    client: AsyncTestClient, clock: FrozenClock
) -> None:
    park = "光谷人工智能产业园"
    clock.set_date(dt.date(2024, 7, 1))  # the policy's first year
    email = "park@example.cn"
    await register(client, uscc=make_uscc("420111"), email=email)

    async def claim(year_index: int, name: str = park) -> Any:
        a = await token(client, email)  # signed in anew: the clock moves by years
        body = park_claim(name, year_index, await attach(client, a, "plan", "approval"))
        draft = await ok(
            await client.post("/api/v1/applications", json=body, headers=bearer(a)), 201
        )
        return draft["id"], await submit(client, a, draft["id"])

    first, r = await claim(1)
    assert (await ok(r))["status"] == "submitted"
    again, r = await claim(2)
    assert (r.status_code, r.json()["code"]) == (409, "year_limit_reached"), r.text
    assert "2024 年度已申报 1 次" in r.json()["detail"]
    # Only live applications count: withdrawn, the first leaves its year to the second.
    a = await token(client, email)
    await ok(await client.post(f"/api/v1/applications/{first}/withdraw", headers=bearer(a)))
    assert (await ok(await submit(client, a, again)))["status"] == "submitted"

    clock.set_date(dt.date(2025, 3, 2))  # the next year, within the three
    _, r = await claim(2)
    assert (await ok(r))["status"] == "submitted"
    clock.set_date(dt.date(2027, 3, 1))  # a fourth year from the first (2024–2026)
    _, r = await claim(3)
    assert (r.status_code, r.json()["code"]) == (409, "years_passed"), r.text
    assert "首次申报年度(2024 年)" in r.json()["detail"]
    assert "最后年度为 2026 年" in r.json()["detail"]
    _, r = await claim(1, "沌口人工智能产业园")  # another park starts its own three years
    assert (await ok(r))["status"] == "submitted"


BOUNDED: dict[str, Any] = {
    "fields": [
        {"name": "platform", "kind": "text", "label_zh": "平台", "label_en": "Platform"},
        {
            "name": "investment",
            "kind": "money",
            "label_zh": "平台投入",
            "label_en": "Investment",
            "required": True,
        },
    ],
    "eligibility": [
        {"rule": "minimum", "field": "investment", "amount": "1000000.00"},
        {"rule": "maximum", "field": "investment", "amount": "50000000.00"},
    ],
    "award": [{"op": "input", "field": "investment"}, {"op": "rate", "bp": 1000}],
    "estimate_inputs": ["investment"],
    "title_field": "platform",
}


@pytest.mark.parametrize(
    ("investment", "status", "code", "said"),
    [
        ("999999.99", 422, "below_minimum", "平台投入不得低于 1,000,000.00 元。"),
        ("50000000.01", 422, "above_maximum", "平台投入不得超过 50,000,000.00 元。"),
        ("50000000.00", 200, None, None),
    ],
)
async def test_a_minimum_and_a_maximum_refuse_an_amount_outside_them(
    client: AsyncTestClient,
    staff: StaffFactory,
    investment: str,
    status: int,
    code: str | None,
    said: str | None,
) -> None:
    admin = await staff("admin")
    program = {
        "code": "platform-investment",
        "article": "九",
        "title_zh": "平台投入奖励",
        "title_en": "Platform investment award",
        "effective_from": "2026-01-01",
        "effective_to": "2026-12-31",
        "params": BOUNDED,
    }
    admin_url = "/api/v1/admin/programs"
    await ok(await client.post(admin_url, json=program, headers=bearer(admin)), 201)
    await ok(
        await client.post(
            f"{admin_url}/platform-investment/versions/1/publish", json={}, headers=bearer(admin)
        )
    )
    # The calculator says it before anyone applies, in both languages.
    r = await estimate(client, "platform-investment", {"investment": investment})
    assert r.status_code == status, r.text
    if code is not None:
        assert (r.json()["code"], r.json()["errors"][0]["field"]) == (code, "investment")
        assert said in r.json()["detail"]
        en = await estimate(client, "platform-investment", {"investment": investment}, "en")
        assert "Investment must be at" in en.json()["detail"]
    a = (await register(client, uscc=make_uscc("420103")))["token"]
    body = {
        "type": "program_claim",
        "program_code": "platform-investment",
        "fields": {"platform": "算力调度平台", "investment": investment},
        "payee": PAYEE,
    }
    draft = await ok(await client.post("/api/v1/applications", json=body, headers=bearer(a)), 201)
    r = await submit(client, a, draft["id"])
    if code is None:
        assert (await ok(r))["status"] == "submitted"
    else:
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
        assert r.json()["errors"][0]["field"] == "fields.investment"
