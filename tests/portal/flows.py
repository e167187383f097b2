"""Steps of the event-support path, as the people involved take them through HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer

# The first five programs' application types, as the API names them, by program.
PROGRAM_OF = {
    "event_filing": "event-support",
    "event_claim": "event-support",
    "ipo_domestic_claim": "ipo-domestic",
    "ipo_overseas_claim": "ipo-overseas",
    "scenario_project": "scenario-project",
    "unveiling_award": "unveiling-award",
}

PAYEE = {
    "account_name": "武汉智算科技有限公司",
    "bank": "中国银行武汉分行",
    "account_no": "6217000000000001",
}
STARTS = dt.date(2026, 5, 11)  # a Monday, 70 days after the test clock's 2026-03-02
ENDS = dt.date(2026, 5, 13)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def filing_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "event_filing",
        "title": "2026 世界人工智能创新大赛(武汉)",
        "event_type": "contest",
        "level": "international",
        "venue": "武汉国际博览中心",
        "district": "420105",
        "starts_on": STARTS.isoformat(),
        "ends_on": ENDS.isoformat(),
        "expected_attendance": 5000,
        "co_organizers": ["武汉市人工智能产业协会"],
        "budget_lines": [
            {"category": "venue", "description": "场地租赁", "amount": "1200000.00"},
            {"category": "promotion", "description": "宣传推广", "amount": "800000.00"},
            {"category": "prizes", "description": "奖金", "amount": "2000000.00"},
        ],
    }
    body.update(overrides)
    return body


def claim_body(filing_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "event_claim",
        "filing_id": filing_id,
        "actual_attendance": 6200,
        "summary": "大赛如期举办,参赛团队312支。",
        "expense_lines": [
            {
                "category": "venue",
                "description": "场地",
                "amount": "1000000.00",
                "invoice_numbers": ["INV-001", "INV-002"],
            },
            {
                "category": "promotion",
                "description": "宣传",
                "amount": "900000.00",
                "invoice_numbers": ["INV-003"],
            },
            {
                "category": "prizes",
                "description": "奖金",
                "amount": "1500000.00",
                "invoice_numbers": ["INV-004"],
            },
        ],
        "payee": PAYEE,
    }
    body.update(overrides)
    return body


async def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


async def definition(client: Any, code: str) -> dict[str, Any]:
    """The definition of a program's version in effect, to change into a new version."""
    found: dict[str, Any] = (await client.get(f"/api/v1/programs/{code}")).json()["program"][
        "params"
    ]
    return found


def event_rule(d: dict[str, Any], *, rate_bp: int, cap: str, lead_days: int = 30) -> dict[str, Any]:
    """event-support's definition with another rate, cap and filing lead."""
    d["award"][1]["bp"], d["award"][2]["amount"] = rate_bp, cap
    d["prior"]["eligibility"][0]["days"] = lead_days
    return d


async def required_documents(client: Any, kind: str, code: str | None = None) -> list[str]:
    """The kinds of document the form of an application type requires (its program's own
    checklist, as GET /programs/{code} has it)."""
    code = code or PROGRAM_OF[kind]
    program = (await client.get(f"/api/v1/programs/{code}")).json()["program"]
    prior = program.get("prior")
    listed = prior["documents"] if prior and prior["type"] == kind else program["documents"]
    return [d["kind"] for d in listed if d["required"]]


async def create(client: AsyncTestClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    """A draft; one of the five first programs' types comes with its checklist's documents."""
    kind = body.get("type", "")
    if kind in PROGRAM_OF and "documents" not in body:
        body = body | {"documents": await checklist(client, token, kind)}
    return await ok(
        await client.post("/api/v1/applications", json=body, headers=bearer(token)), 201
    )


def _auth(token: str | dict[str, str]) -> dict[str, str]:
    return token if isinstance(token, dict) else bearer(token)


async def checklist(
    client: Any,
    token: str | dict[str, str],
    kind: str,
    have: frozenset[str] = frozenset(),
    code: str | None = None,
) -> list[dict[str, str]]:
    """A PDF uploaded for each document the type's form requires and that is not attached yet
    (any httpx client; a bearer token or the headers carrying it)."""
    refs = []
    for doc_kind in await required_documents(client, kind, code):
        if doc_kind not in have:
            r = await client.post(
                "/api/v1/documents",
                files={"file": (f"{doc_kind}.pdf", PDF, "application/pdf")},
                headers=_auth(token),
            )
            refs.append({"document_id": r.json()["id"], "kind": doc_kind})
    return refs


async def attach_checklist(client: Any, token: str | dict[str, str], app_id: str) -> None:
    """Attach a PDF for each required document the draft still lacks, as the applicant would."""
    app = (await client.get(f"/api/v1/applications/{app_id}", headers=_auth(token))).json()
    if app.get("status") not in ("draft", "returned") or app["type"] == "program_claim":
        return  # the ten programs' tests attach their documents themselves
    refs = list(app["payload"].get("documents") or [])
    have = frozenset(r["kind"] for r in refs)
    more = await checklist(client, token, app["type"], have, app["program_code"])
    if more:
        r = await client.patch(
            f"/api/v1/applications/{app_id}", json={"documents": refs + more}, headers=_auth(token)
        )
        assert r.status_code == 200, r.text


async def submit(client: AsyncTestClient, token: str, app_id: str) -> Any:
    """Submit, with the checklist's documents attached first."""
    await attach_checklist(client, token, app_id)
    return await client.post(f"/api/v1/applications/{app_id}/submit", headers=bearer(token))


async def decide(
    client: AsyncTestClient, token: str, app_id: str, action: str, **extra: Any
) -> Any:
    body = {
        "action": action,
        "comment": extra.pop("comment", "ok"),
        "declare_no_conflict": True,
        **extra,
    }
    return await client.post(
        f"/api/v1/admin/applications/{app_id}/decisions", json=body, headers=bearer(token)
    )


async def recognized_filing(
    client: AsyncTestClient, applicant: str, reviewer: str, approver: str, **overrides: Any
) -> dict[str, Any]:
    filing = await create(client, applicant, filing_body(**overrides))
    await ok(await submit(client, applicant, filing["id"]))
    await ok(await decide(client, reviewer, filing["id"], "pass"))
    return await ok(await decide(client, approver, filing["id"], "approve"))


async def approved_claim(
    client: AsyncTestClient,
    clock: FrozenClock,
    applicant: str,
    reviewer: str,
    approver: str,
    filing_id: str,
    **pass_extra: Any,
) -> dict[str, Any]:
    clock.set_date(ENDS + dt.timedelta(days=7))
    claim = await create(client, applicant, claim_body(filing_id))
    await ok(await submit(client, applicant, claim["id"]))
    await ok(await decide(client, reviewer, claim["id"], "pass", **pass_extra))
    return await ok(await decide(client, approver, claim["id"], "approve"))


async def publicized_claim(
    client: AsyncTestClient,
    clock: FrozenClock,
    team: dict[str, Any],
    *,
    allocated: str = "10000000.00",
    **filing_overrides: Any,
) -> dict[str, Any]:
    """A claim approved for 1,700,000.00 (half of 3.4M) and in publicity from today.

    `team` holds bearer tokens: applicant, reviewer, approver, admin.
    """
    a, rev, appr, admin = (team[k] for k in ("applicant", "reviewer", "approver", "admin"))
    r = await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": allocated},
        headers=bearer(admin),
    )
    assert r.status_code == 200, r.text
    filing = await recognized_filing(client, a, rev, appr, **filing_overrides)
    claim = await approved_claim(client, clock, a, rev, appr, filing["id"])
    batch = await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [claim["id"]], "starts_on": clock.today().isoformat()},
            headers=bearer(admin),
        ),
        201,
    )
    claim["batch"] = batch
    return claim


async def lodge_objection(
    client: AsyncTestClient, app_id: str, reason: str = "该单位实际未举办此活动", **headers: str
) -> Any:
    return await client.post(
        f"/api/v1/public/announcements/{app_id}/objections",
        json={"reason": reason, "contact": "13900000000"},
        headers=headers or None,
    )
