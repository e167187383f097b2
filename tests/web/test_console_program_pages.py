"""Programs defined as data on the console: an admin writes a new program, reads what applicants
will see, tries its calculator, edits the draft, compares versions and publishes; a mistake is
said by its place in words; other staff read but do not edit."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, make_uscc, register
from tests.portal.flows import ok, submit
from tests.portal.test_program_claims import attach, rd_claim
from tests.portal.test_program_versions import TRAINING
from tests.web.test_console_pages import make_staff, post_form, sign_in

NEW = {
    "code": "ai-training-subsidy",
    "article": "九",
    "title_zh": "人工智能人才培训补贴",
    "title_en": "AI training subsidy",
    "effective_from": "2026-01-01",
    "effective_to": "2026-12-31",
}


def textarea(page: str) -> dict[str, Any]:
    found = re.search(r'<textarea id="params"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no editor on the page"
    document: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return document


def problems(page: str) -> list[str]:
    box = re.search(r'id="definition-problems".*?</ul>', page, re.S)
    assert box, "no problems listed"
    return [
        html.unescape(re.sub(r"<[^>]+>", "", x))
        for x in re.findall(r"<li>(.*?)</li>", box.group(0))
    ]


async def test_an_admin_writes_previews_compares_and_publishes_a_program(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    token = await sign_in(client, await make_staff(pool, clock, "admin"))
    listing = (await client.get("/console/programs")).text
    assert 'data-program="vertical-model"' in listing and 'id="new-program"' in listing
    starter = textarea(listing)
    assert starter["award"][0] == {"op": "input", "field": "costs"}

    # Mistakes are said by their place, in words, all at once; nothing is saved.
    wrong = json.loads(json.dumps(TRAINING))
    wrong["award"] = [
        {"op": "input", "field": "fees"},
        {"op": "rate", "bp": 12000},
        {"op": "cap", "amount": "-5.00"},
    ]
    r = await post_form(client, "/console/programs", token, NEW | {"params": json.dumps(wrong)})
    assert r.status_code == 422
    said = problems(r.text)
    assert any(p.startswith("计算规则 第 1 项(取值)") for p in said), said
    assert any(p.startswith("计算规则 第 2 项(按比例)") for p in said), said
    assert any(p.startswith("计算规则 第 3 项(封顶)") for p in said), said
    assert await pool.fetchval("SELECT count(*) FROM programs WHERE code = $1", NEW["code"]) == 0
    r = await post_form(client, "/console/programs", token, NEW | {"params": '{"fields": [,]}'})
    assert r.status_code == 422 and "第 1 行第 13 列附近格式有误" in r.text

    r = await post_form(client, "/console/programs", token, NEW | {"params": json.dumps(TRAINING)})
    assert r.status_code == 303
    url = r.headers["location"].split("?")[0]
    assert url == "/console/programs/ai-training-subsidy/versions/1"
    page = (await client.get(url)).text
    assert 'id="version-status">草稿' in page
    assert "培训费用" in page and "明细行" in page and "培训合同" in page
    assert "注册地在武汉市" in page and "每家单位至多 1 次" in page
    assert "min(30% × 培训费用, 300,000.00)" in html.unescape(page)

    # The calculator on sample inputs, before anyone can apply.
    r = await post_form(client, url + "/preview", token, {"in-costs": "2000000.00"})
    assert r.status_code == 200
    amount = re.search(r'id="preview-amount"><strong>([^<]+)<', r.text)
    assert amount and amount.group(1) == "¥300,000.00"

    # Edit the draft: a higher cap; then publish it.
    document = textarea(page)
    document["award"][2]["amount"] = "400000.00"
    r = await post_form(
        client,
        url,
        token,
        {
            "effective_from": "2026-01-01",
            "effective_to": "2026-12-31",
            "params": json.dumps(document),
        },
    )
    assert r.status_code == 303 and r.headers["location"].endswith("done=saved")
    assert "400,000.00" in html.unescape((await client.get(url)).text)
    r = await post_form(client, url + "/publish", token, {})
    assert r.status_code == 303
    page = (await client.get(url)).text
    assert 'id="version-status">已发布' in page and 'id="edit"' not in page
    listing = (await client.get("/console/programs")).text
    row = re.search(r'data-program="ai-training-subsidy">.*?</tr>', listing, re.S)
    assert row and "v1" in row.group(0)

    # A second draft from the program page, compared with the first in words.
    program = (await client.get("/console/programs/ai-training-subsidy")).text
    document = textarea(program)
    document["award"][1]["bp"] = 4000
    r = await post_form(
        client,
        "/console/programs/ai-training-subsidy/versions",
        token,
        {
            "effective_from": "2027-01-01",
            "effective_to": "2027-12-31",
            "params": json.dumps(document),
        },
    )
    assert r.status_code == 303
    page = (await client.get("/console/programs/ai-training-subsidy/versions/2?against=1")).text
    changes = re.search(r'<table id="changes">.*?</table>', page, re.S)
    assert changes
    text = html.unescape(changes.group(0))
    assert "计算规则 第 2 项(按比例) · 比例(万分之)" in text and "3000" in text and "4000" in text
    assert "生效日期" in text and "2027-01-01" in text

    # A published version is not edited; the audit trail has every step.
    r = await post_form(
        client,
        url,
        token,
        {
            "effective_from": "2026-01-01",
            "effective_to": "2026-12-31",
            "params": json.dumps(document),
        },
    )
    assert r.status_code == 409 and "已发布,不可修改" in r.text
    actions = await pool.fetch(
        "SELECT action FROM audit_events WHERE entity_type = 'program' AND entity_id = $1 ORDER BY seq",
        "ai-training-subsidy",
    )
    assert [a["action"] for a in actions] == [
        "program.created",
        "program.draft_changed",
        "program.version_published",
        "program.version_drafted",
    ]


async def test_other_staff_read_but_do_not_edit(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    token = await sign_in(client, await make_staff(pool, clock, "reviewer"))
    listing = (await client.get("/console/programs")).text
    assert 'data-program="unicorn-reward"' in listing and 'id="new-program"' not in listing
    page = (await client.get("/console/programs/unicorn-reward/versions/1")).text
    assert "独角兽企业认定证明" in page and 'id="edit"' not in page and 'id="publish"' not in page
    r = await post_form(client, "/console/programs/unicorn-reward/versions/1/preview", token, {})
    assert r.status_code == 200 and "1,000,000.00" in r.text, r.text[-3000:]
    r = await post_form(client, "/console/programs", token, NEW | {"params": "{}"})
    assert r.status_code == 403
    assert (await client.get("/console/programs/nope/versions/1")).status_code == 404


async def test_a_reviewer_reads_a_program_claim_by_its_labels_and_approves_less(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    org = await register(client, uscc=make_uscc("420111"))
    body = rd_claim(await attach(client, org["token"], "plan", "budget"))
    claim = await ok(
        await client.post("/api/v1/applications", json=body, headers=bearer(org["token"])), 201
    )
    await ok(await submit(client, org["token"], claim["id"]))
    token = await sign_in(client, await make_staff(pool, clock, "reviewer"))
    url = f"/console/applications/{claim['id']}"
    page = (await client.get(url)).text
    assert "<dt>研究方向</dt>" in page and "大模型关键算法" in page and "<dt>项目名称</dt>" in page
    assert 'id="approved_field_requested"' in page
    r = await post_form(
        client,
        url + "/decisions",
        token,
        {"action": "pass", "approved_field_requested": "950000.00", "declare_no_conflict": "on"},
    )
    assert r.status_code == 422 and 'id="err-pass-approved_fields-requested"' in r.text
    assert "核定金额不能超过申请金额" in r.text
    r = await post_form(
        client,
        url + "/decisions",
        token,
        {"action": "pass", "approved_field_requested": "700000.00", "declare_no_conflict": "on"},
    )
    assert r.status_code == 303, r.text
    stored = await ok(
        await client.get(f"/api/v1/applications/{claim['id']}", headers=bearer(org["token"]))
    )
    assert stored["payload"]["approved_fields"] == {"requested": "700000.00"}
