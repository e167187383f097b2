"""The staff console through HTTP: who sees which page, CSRF, decisions with four eyes, budgets,
publicity, configuration forms, exports and the audit log."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
import uuid
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from portal.web import i18n
from portal.web.console import work
from sql import export_jobs as export_store
from sql.settings import Settings
from tests.factories import PASSWORD, bearer, register, token
from tests.portal.flows import (
    ENDS,
    claim_body,
    create,
    filing_body,
    ok,
    recognized_filing,
    submit,
)
from tests.portal.test_scenario_unveiling import project
from tests.web.test_public_pages import csrf
from tests.workers.harness import job_ctx
from tests.xlsx import read_xlsx
from workers.exports import export_jobs

_n = itertools.count(1)


async def make_staff(pool: asyncpg.Pool, clock: FrozenClock, *roles: str) -> str:
    email = f"console{next(_n)}@wuhan.gov.cn"
    data = StaffUserIn(email=email, password=PASSWORD, name=f"职员{roles[0]}", roles=list(roles))  # type: ignore[arg-type]
    await accounts.create_staff_user(pool, clock.now(), "cli", data)
    return email


async def sign_in(client: AsyncTestClient, email: str) -> str:
    """Sign in through the page; returns a CSRF token for the forms that follow."""
    client.cookies.delete("portal_session")
    token = csrf((await client.get("/login")).text)
    r = await client.post(
        "/login",
        data={"_csrf_token": token, "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code in (302, 303), r.text
    client.cookies.set("portal_session", r.cookies["portal_session"])
    return csrf((await client.get("/console")).text)


async def post_form(client: AsyncTestClient, url: str, token: str, data: dict[str, Any]) -> Any:
    return await client.post(url, data={"_csrf_token": token, **data}, follow_redirects=False)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def submitted_filing(
    client: AsyncTestClient, *, with_document: bool = False
) -> tuple[dict[str, Any], str]:
    org = await register(client, name="武汉控制台测试科技有限公司")
    extra: dict[str, Any] = {}
    if with_document:
        r = await client.post(
            "/api/v1/documents",
            files={"file": ("活动方案.pdf", PDF, "application/pdf")},
            headers=bearer(org["token"]),
        )
        assert r.status_code == 201, r.text
        extra["documents"] = [{"document_id": r.json()["id"], "kind": "plan"}]
    filing = await create(client, org["token"], filing_body(**extra))
    await ok(await submit(client, org["token"], filing["id"]))
    return org, filing["id"]


def error_near(html: str, element_id: str) -> str:
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>([^<]*)<', html)
    assert match, f"no #{element_id} in the page"
    return match.group(1)


async def test_sign_in_first_and_applicants_get_a_403_page(client: AsyncTestClient) -> None:
    r = await client.get("/console/budgets?year=2026", follow_redirects=False)
    assert r.status_code in (302, 303)
    assert r.headers["location"] == "/login?next=/console/budgets%3Fyear%3D2026"
    org = await register(client, email="firm@example.cn")
    await sign_in_applicant(client, "firm@example.cn")
    r = await client.get("/console")
    assert r.status_code == 403
    assert "text/html" in r.headers["content-type"] and "您无权访问此页面" in r.text
    assert (await client.get("/console/audit")).status_code == 403
    assert org["org"]["id"]


async def sign_in_applicant(client: AsyncTestClient, email: str) -> None:
    token = csrf((await client.get("/login")).text)
    r = await client.post(
        "/login",
        data={"_csrf_token": token, "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    client.cookies.set("portal_session", r.cookies["portal_session"])


async def test_pages_render_for_the_right_roles(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    admin = await make_staff(pool, clock, "admin")
    await sign_in(client, admin)
    for url in (
        "/console",
        "/console?status=",
        "/console/budgets",
        "/console/publicity",
        "/console/programs",
        "/console/programs/event-support",
        "/console/calls",
        "/console/calls/scenario-project/2026/ranking",
        "/console/exchanges",
        "/console/calendar?year=2026",
        "/console/users",
        "/console/dead-letters",
        "/console/audit",
        "/console/audit/verify",
        "/console/exports",
    ):
        r = await client.get(url)
        assert r.status_code == 200, (url, r.text[:500])
        assert "script-src 'self'" in r.headers["content-security-policy"]
    verify = (await client.get("/console/audit/verify")).text
    assert 'data-ok="true"' in verify and "审计链完整" in verify
    audit = (await client.get("/console/audit")).text
    assert "user.created" in audit and 'hx-get="/console/audit/verify"' in audit

    reviewer = await make_staff(pool, clock, "reviewer")
    await sign_in(client, reviewer)
    page = (await client.get("/console")).text
    assert 'href="/console/users"' not in page and 'href="/console/audit"' not in page
    for url in ("/console/users", "/console/dead-letters", "/console/audit"):
        assert (await client.get(url)).status_code == 403, url

    auditor = await make_staff(pool, clock, "auditor")
    token = await sign_in(client, auditor)
    assert (await client.get("/console/audit")).status_code == 200
    r = await post_form(
        client,
        "/console/applications/00000000-0000-4000-8000-000000000000/decisions",
        token,
        {"action": "pass", "declare_no_conflict": "on"},
    )
    assert r.status_code == 403  # read-only
    assert (await client.get("/console/users")).status_code == 403
    budgets = (await client.get("/console/budgets")).text
    assert 'action="/console/budgets/' not in budgets  # read-only: no allocation forms

    # English on the user's switch.
    await client.get("/lang/en?next=/console")
    page = (await client.get("/console")).text
    assert "Work queue" in page and "Next page" not in page


async def test_the_queue_filters_by_role_searches_and_pages_by_keyset(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org = await register(client, name="武汉队列科技有限公司")
    ids = []
    for i in range(3):
        filing = await create(client, org["token"], filing_body(title=f"队列测试活动{i}"))
        await ok(await submit(client, org["token"], filing["id"]))
        ids.append(filing["id"])
    draft = await create(client, org["token"], filing_body(title="草稿活动"))
    monkeypatch.setattr(work, "PAGE_SIZE", 2)
    reviewer = await make_staff(pool, clock, "reviewer")
    await sign_in(client, reviewer)
    first = (await client.get("/console")).text
    assert 'id="f-status"' in first and '<option value="submitted" selected>' in first
    # One clock instant for all: the keyset's tie-break (the id) decides the order.
    on_first = {i for i in ids if i in first}
    assert len(on_first) == 2 and draft["id"] not in first
    cursor = re.search(r'href="([^"]*cursor=[^"]+)"', first)
    assert cursor
    second = (await client.get(cursor.group(1).replace("&amp;", "&"))).text
    assert {i for i in ids if i in second} == set(ids) - on_first
    assert 'id="next-page"' not in second
    found = (await client.get("/console?status=&q=草稿")).text
    assert draft["id"] in found and ids[0] not in found
    assert (await client.get("/console?cursor=garbage")).status_code == 422

    approver = await make_staff(pool, clock, "approver")
    await sign_in(client, approver)
    assert '<option value="reviewed" selected>' in (await client.get("/console")).text
    finance = await make_staff(pool, clock, "finance")
    await sign_in(client, finance)
    assert '<option value="confirmed" selected>' in (await client.get("/console")).text


async def test_the_staff_timeline_groups_a_person_s_draft_edits(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    org = await register(client, name="武汉时间线科技有限公司")
    filing = await create(client, org["token"], filing_body(title="时间线活动"))
    for venue in ("武汉国际博览中心", "武汉国际会展中心", "光谷科技会展中心"):
        r = await client.patch(
            f"/api/v1/applications/{filing['id']}",
            json={"venue": venue},
            headers=bearer(org["token"]),
        )
        assert r.status_code == 200, r.text
    await ok(await submit(client, org["token"], filing["id"]))
    await sign_in(client, await make_staff(pool, clock, "reviewer"))
    page = (await client.get(f"/console/applications/{filing['id']}")).text
    timeline = page[page.index('id="timeline-h"') :]
    assert timeline.count("修改草稿") == 1 and "×" in timeline, timeline[:1500]


async def test_decisions_through_the_page_with_csrf_declaration_and_four_eyes(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    _, filing_id = await submitted_filing(client, with_document=True)
    both = await make_staff(pool, clock, "reviewer", "approver")
    token = await sign_in(client, both)
    url = f"/console/applications/{filing_id}"
    detail = (await client.get(url)).text
    assert 'id="form-pass"' in detail and 'id="form-approve"' not in detail
    assert "武汉控制台测试科技有限公司" in detail and "场地租赁" in detail
    assert '<dd id="org-district">武昌区</dd>' in detail  # the district by name, not 420106
    assert "人工智能国家级、国际性重大活动支持" in detail and "event-support v1" not in detail
    document = re.search(
        r'href="(/console/documents/[0-9a-f-]{36})" download>活动方案.pdf<', detail
    )
    assert document and "活动方案 · application/pdf" in detail  # its kind, type and size
    r = await client.get(document.group(1))
    assert r.status_code == 200 and r.content == PDF
    assert "attachment" in r.headers["content-disposition"]

    # No CSRF token: refused before anything happens.
    r = await client.post(
        url + "/decisions",
        data={"action": "pass", "declare_no_conflict": "on"},
        follow_redirects=False,
    )
    assert r.status_code == 403

    # No declaration: the error sits next to the checkbox.
    r = await post_form(client, url + "/decisions", token, {"action": "pass", "comment": "ok"})
    assert r.status_code == 422
    assert "请先声明与本申请无利益冲突" in error_near(r.text, "err-pass-declare_no_conflict")

    r = await post_form(
        client,
        url + "/decisions",
        token,
        {"action": "pass", "comment": "材料齐全", "declare_no_conflict": "on"},
    )
    assert r.status_code == 303 and r.headers["location"] == f"{url}?done=pass"
    page = (await client.get(r.headers["location"])).text
    assert "已初审通过" in page and 'id="form-approve"' in page and "材料齐全" in page

    # Four eyes: the one who passed it cannot approve it.
    r = await post_form(
        client, url + "/decisions", token, {"action": "approve", "declare_no_conflict": "on"}
    )
    assert r.status_code == 409
    assert 'data-code="same_reviewer"' in r.text
    assert "须由另一名复核人员审批" in error_near(r.text, "err-approve")

    approver = await make_staff(pool, clock, "approver")
    token = await sign_in(client, approver)
    r = await post_form(
        client, url + "/decisions", token, {"action": "approve", "declare_no_conflict": "on"}
    )
    assert r.status_code == 303
    page = (await client.get(url)).text
    assert "已认定" in page and "复核通过" in page


async def test_a_claim_cut_line_by_line_then_approved_shows_its_breakdown(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    org, filing_id = await submitted_filing(client)
    reviewer, approver, admin = (
        await make_staff(pool, clock, "reviewer"),
        await make_staff(pool, clock, "approver"),
        await make_staff(pool, clock, "admin"),
    )
    rev_token = await sign_in(client, reviewer)
    decide = f"/console/applications/{filing_id}/decisions"
    on = {"declare_no_conflict": "on"}
    assert (await post_form(client, decide, rev_token, {"action": "pass", **on})).status_code == 303
    appr_token = await sign_in(client, approver)
    r = await post_form(client, decide, appr_token, {"action": "approve", **on})
    assert r.status_code == 303

    admin_token = await sign_in(client, admin)
    r = await post_form(
        client, "/console/budgets/event-support/2026", admin_token, {"allocated": "abc"}
    )
    assert r.status_code == 422 and 'id="err-event-support-allocated"' in r.text
    r = await post_form(
        client, "/console/budgets/event-support/2026", admin_token, {"allocated": "10000000"}
    )
    assert r.status_code == 303

    clock.set_date(ENDS + dt.timedelta(days=7))
    claim = await create(client, org["token"], claim_body(filing_id))
    await ok(await submit(client, org["token"], claim["id"]))
    url = f"/console/applications/{claim['id']}"

    rev_token = await sign_in(client, reviewer)
    page = (await client.get(url)).text
    # Each line's approved amount is pre-filled with the claimed amount, inside the pass form.
    assert 'form="form-pass" id="approved_2" name="approved_2"' in page
    assert 'value="1500000.00"' in page
    cut = {"action": "pass", **on, "approved_0": "1000000.00", "approved_1": "900000.00"}
    r = await post_form(client, url + "/decisions", rev_token, {**cut, "approved_2": "1100000"})
    assert r.status_code == 422
    assert "第 2 行核减,请说明理由" in error_near(r.text, "err-pass-line_reasons-2")
    assert 'value="1100000"' in r.text  # what was typed stays
    r = await post_form(
        client,
        url + "/decisions",
        rev_token,
        {**cut, "approved_2": "1100000", "reason_2": "奖金发放凭证不全"},
    )
    assert r.status_code == 303, r.text

    appr_token = await sign_in(client, approver)
    r = await post_form(client, url + "/decisions", appr_token, {"action": "approve", **on})
    assert r.status_code == 303
    page = (await client.get(url)).text
    assert 'id="award-amount">¥1,500,000.00<' in page and "150万元" in page
    assert "奖金发放凭证不全" in page and "¥3,000,000.00" in page  # the approved total

    budgets = (await client.get("/console/budgets?year=2026")).text
    data = re.search(r'<script type="application/json" id="budget-data">(.*?)</script>', budgets)
    assert data, "the chart's data is in the page"
    chart = msgspec.json.decode(data.group(1))
    i = chart["programs"].index("人工智能国家级、国际性重大活动支持")
    assert chart["series"]["allocated"][i] == 1_000_000_000
    assert chart["series"]["reserved"][i] == 150_000_000
    assert chart["series"]["available"][i] == 850_000_000
    assert "/static/vendor/echarts-5.6.0.min.js" in budgets and 'id="budget-chart"' in budgets
    assert "¥8,500,000.00" in budgets and "850万元" in budgets

    # Publicity: an approver publishes it; the public list shows it.
    r = await post_form(
        client,
        "/console/publicity",
        appr_token,
        {"application_ids": claim["id"], "starts_on": "2026-05-01"},
    )
    assert r.status_code == 422 and "公示开始日期不能早于今天" in r.text
    # Published for tomorrow, the page says that the public does not see it yet.
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    r = await post_form(
        client,
        "/console/publicity",
        appr_token,
        {"application_ids": claim["id"], "starts_on": tomorrow},
    )
    assert r.status_code == 303
    page = (await client.get(r.headers["location"])).text
    assert f"公示批次已发布。 明天({tomorrow})开始公示" in html.unescape(page)
    assert "今天公众还看不到" in page and "明天开始" in page
    assert "¥1,500,000.00" not in (await client.get("/publicity")).text
    clock.set_date(clock.today() + dt.timedelta(days=1))
    appr_token = await sign_in(client, approver)
    assert "¥1,500,000.00" in (await client.get("/publicity")).text

    # After five working days finance records the payment, pre-filled with the award.
    clock.set_date(dt.date(2026, 5, 28))
    fin_token = await sign_in(client, await make_staff(pool, clock, "finance"))
    page = (await client.get(url)).text
    assert 'id="disburse-amount" name="amount" inputmode="decimal" value="1500000.00"' in page
    pay = {"paid_on": "2026-05-28", "amount": "1500000.00", "reference": "GK-2026-0520"}
    r = await post_form(client, url + "/disbursement", fin_token, {**pay, "amount": "1400000"})
    assert r.status_code == 422
    assert "拨付金额须与核定金额(1500000.00元)一致" in error_near(r.text, "err-disburse-amount")
    r = await post_form(client, url + "/disbursement", fin_token, pay)
    assert r.status_code == 303
    page = (await client.get(r.headers["location"])).text
    assert "拨付已登记" in page and "已拨付" in page


async def test_duplicate_invoice_and_same_benefit_flags_stand_out(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    reviewer = await make_staff(pool, clock, "reviewer")
    approver = await make_staff(pool, clock, "approver")
    rev, appr = await token(client, reviewer), await token(client, approver)
    first, second = await register(client), await register(client)
    filings = [
        await recognized_filing(client, first["token"], rev, appr),
        await recognized_filing(client, second["token"], rev, appr),
    ]
    # The same firm files the same event twice: 不重复享受.
    again = await create(client, second["token"], filing_body())
    await ok(await submit(client, second["token"], again["id"]))
    clock.set_date(ENDS + dt.timedelta(days=7))
    claims = []
    for org, filing in zip((first, second), filings, strict=True):
        claim = await create(client, org["token"], claim_body(filing["id"]))
        await ok(await submit(client, org["token"], claim["id"]))
        claims.append(claim)

    await sign_in(client, reviewer)
    page = (await client.get(f"/console/applications/{claims[1]['id']}")).text
    flags = page[
        page.index('class="flags"') : page.index("</section>", page.index('class="flags"'))
    ]
    assert 'data-flag="duplicate_invoice"' in flags and "发票重复" in flags
    assert "INV-001" in flags and f'href="/console/applications/{claims[0]["id"]}"' in flags
    assert page.index('class="flags"') < page.index('id="lines-h"')  # above everything else
    page = (await client.get(f"/console/applications/{again['id']}")).text
    assert 'data-flag="duplicate_benefit"' in page and "不重复享受" in page


async def test_admin_configuration_forms(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    admin = await make_staff(pool, clock, "admin")
    token = await sign_in(client, admin)

    r = await post_form(
        client,
        "/console/users",
        token,
        {"name": "新初审", "email": "new.reviewer@wuhan.gov.cn", "password": "short"},
    )
    assert r.status_code == 422 and 'id="err-new-roles"' in r.text
    r = await post_form(
        client,
        "/console/users",
        token,
        {
            "name": "新初审",
            "email": "new.reviewer@wuhan.gov.cn",
            "password": PASSWORD,
            "roles": "reviewer",
        },
    )
    assert r.status_code == 303
    users = (await client.get("/console/users")).text
    assert "new.reviewer@wuhan.gov.cn" in users

    r = await post_form(
        client,
        "/console/calendar",
        token,
        {"day": "2026-10-09", "kind": "workday", "name_zh": "国庆调休", "name_en": "Make-up"},
    )
    assert r.status_code == 303
    cal = (await client.get("/console/calendar?year=2026")).text
    assert "国庆调休" in cal and 'class="cal-workday"' in cal
    r = await post_form(client, "/console/calendar/2026-10-09/delete", token, {})
    assert r.status_code == 303
    assert "国庆调休" not in (await client.get("/console/calendar?year=2026")).text

    r = await post_form(
        client,
        "/console/exchanges",
        token,
        {
            "code": "bme",
            "valid_from": "2026-03-01",
            "name_zh": "马德里证券交易所",
            "name_en": "Bolsa de Madrid",
            "market": "overseas",
            "jurisdiction": "es",
            "eligible": "on",
        },
    )
    assert r.status_code == 303
    exchanges = (await client.get("/console/exchanges")).text
    assert "<td>BME</td><td>马德里证券交易所</td>" in exchanges

    r = await post_form(
        client,
        "/console/calls",
        token,
        {
            "program": "scenario-project",
            "year": "2026",
            "opens_on": "2026-03-01",
            "closes_on": "2026-02-01",
        },
    )
    assert r.status_code == 422 and "截止日期不能早于开始日期" in r.text
    r = await post_form(
        client,
        "/console/calls",
        token,
        {
            "program": "scenario-project",
            "year": "2026",
            "opens_on": "2026-03-01",
            "closes_on": "2026-06-30",
        },
    )
    assert r.status_code == 303
    assert "2026-06-30" in (await client.get("/console/calls")).text

    # Experts score a project of the open call on its page.
    org = await register(client)
    body = project("武汉智能工厂视觉质检示范")
    scenario = await create(client, org["token"], body)
    await ok(await submit(client, org["token"], scenario["id"]))
    expert = await make_staff(pool, clock, "reviewer")
    expert_token = await sign_in(client, expert)
    url = f"/console/applications/{scenario['id']}"
    page = (await client.get(url)).text
    assert 'id="form-score"' in page and 'id="approved_1"' in page  # investment lines, per line
    form = {"score": "88", "comment": "方案可行"}
    r = await post_form(client, url + "/scores", expert_token, form)
    assert r.status_code == 422 and "评分前请声明" in error_near(
        r.text, "err-score-declare_no_conflict"
    )
    r = await post_form(
        client, url + "/scores", expert_token, {**form, "declare_no_conflict": "on"}
    )
    assert r.status_code == 303
    assert "评分已提交" in (await client.get(r.headers["location"])).text
    r = await post_form(
        client, url + "/scores", expert_token, {**form, "declare_no_conflict": "on"}
    )
    assert r.status_code == 409 and "您已为该项目评分" in r.text
    token = await sign_in(client, admin)

    page = (await client.get("/console/programs/event-support")).text
    params = re.search(r'<textarea id="params"[^>]*>(.*?)</textarea>', page, re.S)
    assert params
    r = await post_form(
        client,
        "/console/programs/event-support/versions",
        token,
        {"effective_from": "2027-01-01", "effective_to": "2027-12-31", "params": "[1]"},
    )
    assert r.status_code == 422 and "参数须为 JSON 对象" in r.text
    r = await post_form(
        client,
        "/console/programs/event-support/versions",
        token,
        {"effective_from": "2027-01-01", "effective_to": "2027-12-31", "params": "[" * 5000},
    )
    assert r.status_code == 422 and "嵌套层数不能超过" in r.text  # not a RecursionError
    body = params.group(1).replace("&#34;", '"').replace("&quot;", '"')
    r = await post_form(
        client,
        "/console/programs/event-support/versions",
        token,
        {
            "effective_from": "2027-01-01",
            "effective_to": "2027-12-31",
            "params": body,
            "note": "2027年度",
        },
    )
    # A new version is a draft, shown with its note; it governs once published.
    assert r.status_code == 303, r.text
    draft_url = r.headers["location"].split("?")[0]
    assert "2027年度" in (await client.get("/console/programs/event-support")).text
    draft = (await client.get(draft_url)).text
    assert 'id="version-status">草稿' in draft and 'id="publish"' in draft
    r = await post_form(client, draft_url + "/publish", token, {})
    assert r.status_code == 303
    assert 'id="version-status">已发布' in (await client.get(draft_url)).text

    audit = (await client.get("/console/audit?entity_type=calendar")).text
    assert "calendar.day_removed" in audit and "user.created" not in audit


async def test_dead_letters_are_listed_and_retried(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    admin = await make_staff(pool, clock, "admin")
    now = clock.now()
    user_id = await pool.fetchval("SELECT id FROM users WHERE email = $1", admin)
    outbox_id = await pool.fetchval(
        "INSERT INTO outbox (created_at, topic, payload) VALUES ($1, 'decision.made', '{}')"
        " RETURNING id",
        now,
    )
    dead = await pool.fetchval(
        "INSERT INTO deliveries (outbox_id, channel, user_id, address, subject, body, status,"
        " attempts, last_error, created_at, updated_at)"
        " VALUES ($1, 'email', $2, $3, '审核结果', '您的申请已通过。', 'dead', 8,"
        " 'SMTP 550 mailbox unavailable', $4, $4)"
        " RETURNING id",
        outbox_id,
        user_id,
        admin,
        now,
    )
    token = await sign_in(client, admin)
    page = (await client.get("/console/dead-letters")).text
    assert "SMTP 550 mailbox unavailable" in page and f"/console/dead-letters/{dead}/retry" in page
    r = await post_form(client, f"/console/dead-letters/{dead}/retry", token, {})
    assert r.status_code == 303
    assert await pool.fetchval("SELECT status FROM deliveries WHERE id = $1", dead) == "pending"
    page = (await client.get("/console/dead-letters")).text
    assert "SMTP 550" not in page and "没有投递失败的消息" in page
    r = await post_form(client, f"/console/dead-letters/{dead}/retry", token, {})
    assert r.status_code == 409 and "该投递不是死信" in r.text


async def test_exports_stream_csv_and_make_xlsx_as_a_job_with_real_progress(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock, settings: Settings
) -> None:
    await submitted_filing(client)
    await submitted_filing(client)
    finance = await make_staff(pool, clock, "finance")
    token = await sign_in(client, finance)
    r = await client.get("/console/exports/applications.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "reference,type,status" in r.text and "武汉控制台测试科技有限公司" in r.text

    # Without the token the form is refused; with it, a job is queued for the workers.
    r = await post_form(client, "/console/exports/xlsx", "wrong", {})
    assert r.status_code == 403
    r = await client.post(
        "/console/exports/xlsx", data={"_csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and 'data-state="queued"' in r.text and "等待后台处理" in r.text
    assert '<progress max="100" value="0"' in r.text and "0%" in r.text  # progress from the start
    job = re.search(r'hx-get="/console/exports/jobs/([0-9a-f-]{36})"', r.text)
    assert job and 'hx-trigger="every 500ms"' in r.text
    job_id = msgspec.convert(job.group(1), uuid.UUID)
    partial = f"/console/exports/jobs/{job_id}"
    r = await client.get(f"{partial}/applications.xlsx")
    assert r.status_code == 409 and "导出尚未完成" in r.text

    # Mid-way, as a worker records it: rows done of the total, a bar and the percentage.
    claimed = await export_store.claim(pool, clock.now())
    assert claimed is not None and claimed.id == job_id
    assert await export_store.progress(pool, claimed, done=1, total=2, now=clock.now())
    page = (await client.get(partial)).text
    assert 'data-state="running"' in page and 'data-percent="50"' in page
    assert '<progress max="2" value="1"' in page and "已写入 1 / 2 行 · 50%" in page
    # Leaving the page and coming back shows the same job.
    assert f'hx-get="{partial}"' in (await client.get("/console/exports")).text

    await pool.execute("UPDATE export_jobs SET state = 'queued' WHERE id = $1", job_id)
    async with job_ctx(settings, clock) as ctx:
        assert await export_jobs(ctx) == 1
    page = (await client.get(partial)).text
    assert 'data-state="done"' in page and 'id="xlsx-link"' in page and "hx-get" not in page
    assert "2 行" in page
    assert 'id="xlsx-link"' in (await client.get("/console/exports")).text
    r = await client.get(f"{partial}/applications.xlsx")
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store"
    assert len(read_xlsx(r.content)[0].rows) == 3

    # Without htmx the form answers with the page of the new job; in English too.
    r = await post_form(client, "/console/exports/xlsx", token, {})
    assert r.status_code == 303 and r.headers["location"].startswith("/console/exports?job=")
    await client.get("/lang/en", follow_redirects=False)
    client.cookies.set("lang", "en")
    page = (await client.get(r.headers["location"])).text
    assert 'data-state="queued"' in page and "Queued; waiting for a background worker" in page

    # Another user cannot see or fetch someone's export.
    other = await make_staff(pool, clock, "auditor")
    await sign_in(client, other)
    assert (await client.get(partial)).status_code == 404
    assert (await client.get(f"{partial}/applications.xlsx")).status_code == 404
    assert (await client.get(f"/console/exports?job={job_id}")).status_code == 404
    assert 'id="export-job"' not in (await client.get("/console/exports")).text


def test_console_words_do_not_shadow_existing_keys() -> None:
    shadowed = {k for k, v in i18n._CONSOLE.items() if i18n.MESSAGES[k] != v}
    assert not shadowed
