"""A claim on a program defined as data, through the one edit page every program's form is
made on: started from the list of programs, saved with refusals in the program's own words,
documents attached against its checklist, submitted, then shown read-only."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from tests.factories import PASSWORD, bearer, token
from tests.portal.flows import ok
from tests.portal.test_program_versions import new_program
from tests.web.test_applicant_pages import PDF, organizer, post

MODEL = {
    "model_name": "江城制造质检大模型",
    "industry": "industrial_inspection",
    "filing_no": "Hubei-ZhiJian-20240101",
    "deployment": "已在三家工厂部署。",
    "rd_costs": "2000000.00",
    "payee-account_name": "武汉页面测试科技有限公司",
    "payee-bank": "中国银行武汉分行",
    "payee-account_no": "6222020200012345678",
}


async def start(client: AsyncTestClient, csrf: str, code: str) -> str:
    r = await post(client, f"/app/programs/{code}/new", csrf, {})
    assert r.status_code == 303, r.text
    match = re.fullmatch(r"/app/applications/([0-9a-f-]{36})/edit", r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


async def attach(client: AsyncTestClient, csrf: str, app_id: str, kind: str) -> Any:
    return await client.post(
        "/app/documents",
        data={"_csrf_token": csrf, "application_id": app_id, "kind": kind},
        files={"file": (f"{kind}.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )


def _documents(page: str) -> dict[str, str]:
    """The documents the edit page holds, as the form posts them back."""
    ids = re.findall(r'name="(documents-\d+-(?:document_id|kind))" value="([^"]+)"', page)
    return dict(ids)


async def test_an_organization_applies_on_the_generated_form(client: AsyncTestClient) -> None:
    owner = await organizer(client)
    choose = (await client.get("/app/new")).text
    assert (
        "垂直行业模型研发补助" in choose and 'action="/app/programs/vertical-model/new"' in choose
    )
    app_id = await start(client, owner["csrf"], "vertical-model")
    edit = f"/app/applications/{app_id}/edit"
    page = (await client.get(edit)).text
    assert "垂直行业模型研发补助" in page and "模型名称" in page and "工业质检" in page
    assert 'id="checklist"' in page and 'data-kind="certificate"' in page
    inputs = set(re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', page))
    assert inputs - set(re.findall(r'<label[^>]*\sfor="([^"]+)"', page)) == set()

    # One bad amount is named by its label; the rest of the form is kept.
    r = await post(client, edit, owner["csrf"], MODEL | {"rd_costs": "12.345"})
    assert r.status_code == 422
    assert "研发成本" in r.text and 'id="form-errors"' in r.text and 'href="#rd_costs"' in r.text
    stored = await ok(
        await client.get(f"/api/v1/applications/{app_id}", headers=bearer(owner["token"]))
    )
    assert stored["payload"]["fields"]["model_name"] == "江城制造质检大模型"
    assert "rd_costs" not in stored["payload"]["fields"]

    r = await post(client, edit, owner["csrf"], MODEL)
    assert r.status_code == 303 and r.headers["location"].endswith("?saved=true")

    # Submit refuses the claim until the checklist's required documents are attached.
    r = await post(client, f"/app/applications/{app_id}/submit", owner["csrf"], {})
    assert r.status_code == 422 and "研发费用专项审计报告" in r.text, r.text
    for kind in ("certificate", "audit_report", "evidence"):
        r = await attach(client, owner["csrf"], app_id, kind)
        assert r.status_code == 303 and r.headers["location"].startswith(
            f"/app/applications/{app_id}"
        )
    page = (await client.get(edit)).text
    assert page.count('class="ok"') >= 3 and "certificate.pdf" in page
    r = await post(client, f"/app/applications/{app_id}/submit", owner["csrf"], {})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=submitted"), r.text

    # Submitted: read-only, the values as the program's form names them.
    page = (await client.get(f"/app/applications/{app_id}?done=submitted")).text
    assert 'id="facts"' in page and "工业质检" in page and "2,000,000.00" in page
    assert (await client.get(edit, follow_redirects=False)).headers[
        "location"
    ] == f"/app/applications/{app_id}"
    r = await post(client, edit, owner["csrf"], MODEL)
    assert r.status_code == 409


async def test_a_defined_program_with_lines_and_removing_a_document(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    admin = await _admin(client, pool, clock)
    await ok(await client.post("/api/v1/admin/programs", json=new_program(), headers=admin), 201)
    await ok(
        await client.post(
            "/api/v1/admin/programs/ai-training-subsidy/versions/1/publish", json={}, headers=admin
        )
    )
    owner = await organizer(client)
    app_id = await start(client, owner["csrf"], "ai-training-subsidy")
    edit = f"/app/applications/{app_id}/edit"
    page = (await client.get(edit)).text
    assert 'name="costs-0-category"' in page
    form = {
        "course": "大模型工程师培训",
        "costs-0-category": "tuition",
        "costs-0-description": "学费",
        "costs-0-amount": "600000.00",
        "costs-1-category": "travel",
        "costs-1-description": "差旅",
        "costs-1-amount": "100000",
        "costs-2-amount": "",
    }
    r = await post(client, edit, owner["csrf"], form)
    assert r.status_code == 303, r.text
    stored = await ok(
        await client.get(f"/api/v1/applications/{app_id}", headers=bearer(owner["token"]))
    )
    assert [x["amount"] for x in stored["payload"]["fields"]["costs"]] == ["600000.00", "100000.00"]
    # A line's bad amount is shown next to that line.
    r = await post(client, edit, owner["csrf"], form | {"costs-1-amount": "x"})
    assert r.status_code == 422 and 'id="err-costs-1-amount"' in r.text
    assert "培训费用 第2行 金额" in r.text

    await attach(client, owner["csrf"], app_id, "contract")
    held = _documents((await client.get(edit)).text)
    assert held["documents-0-kind"] == "contract"
    r = await post(client, edit, owner["csrf"], form | held)
    assert r.status_code == 303
    stored = await ok(
        await client.get(f"/api/v1/applications/{app_id}", headers=bearer(owner["token"]))
    )
    assert [d["kind"] for d in stored["payload"]["documents"]] == ["contract"]
    r = await post(client, edit, owner["csrf"], form)  # removed from the page, then saved
    assert r.status_code == 303
    stored = await ok(
        await client.get(f"/api/v1/applications/{app_id}", headers=bearer(owner["token"]))
    )
    assert stored["payload"]["documents"] == []


async def test_the_page_in_english(client: AsyncTestClient) -> None:
    owner = await organizer(client)
    app_id = await start(client, owner["csrf"], "unicorn-reward")
    await client.get("/lang/en?next=/app")
    page = (await client.get(f"/app/applications/{app_id}/edit")).text
    assert "Unicorn firm reward" in page and "First recognized on" in page
    assert "Proof of recognition" in page and "独角兽" not in page


async def _admin(client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock) -> dict[str, str]:
    email = "program-admin@wuhan.gov.cn"
    data = StaffUserIn(email=email, password=PASSWORD, name="管理员", roles=["admin"])  # type: ignore[list-item]
    await accounts.create_staff_user(pool, clock.now(), "cli", data)
    return bearer(await token(client, email))
