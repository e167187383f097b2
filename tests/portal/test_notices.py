"""Notices on paper: each printed with what it states and a verification code, issued once and
printed the same ever after, for the right people at the right time, and checkable by anyone."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from domain.clock import FrozenClock
from portal.app import create_app
from portal.auth.principal import Principal
from portal.notices import services
from sql.settings import Settings
from tests.factories import bearer, register
from tests.portal.flows import (
    PAYEE,
    approved_claim,
    create,
    decide,
    filing_body,
    lodge_objection,
    ok,
    publicized_claim,
    recognized_filing,
    submit,
)
from tests.portal.test_objections import resolve
from tests.portal.test_payments import confirmed

ORG = "武汉智会科技有限公司"  # the `team` fixture's organization
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def text_of(pdf: bytes) -> str:
    """The PDF's text as a reader extracts it, with line breaks and spaces taken out (a long
    line of Chinese wraps anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def code_in(pdf: bytes) -> str:
    found = CODE.findall(text_of(pdf))
    assert found, "no verification code printed"
    return str(found[0])


async def notice(client: AsyncTestClient, token: str | None, app_id: str, kind: str) -> Any:
    return await client.get(
        f"/api/v1/applications/{app_id}/notices/{kind}",
        headers=bearer(token) if token else None,
    )


def pdf_of(r: Any) -> bytes:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    content: bytes = r.content
    assert content.startswith(b"%PDF-")
    return content


async def test_a_recognized_filing_has_its_notice_printed_once_and_verifiable(
    client: AsyncTestClient, team: dict[str, Any], pool: asyncpg.Pool
) -> None:
    filing = await recognized_filing(client, team["applicant"], team["reviewer"], team["approver"])
    r = await notice(client, team["applicant"], filing["id"], "filing")
    first = pdf_of(r)
    assert filing["reference"] in r.headers["content-disposition"]
    text = text_of(first)
    for printed in (
        "重大活动事前备案确认书",
        filing["reference"],
        ORG,
        "2026世界人工智能创新大赛(武汉)",
        "汉阳区",  # the district by its name, as the form's choice says it
        "武汉国际博览中心",
        "第十一条",
    ):
        assert printed in text, printed
    code = code_in(first)
    assert f"/notices/verify?code={code}" in text

    # Printed again (by staff too): the same facts, the same code, the same bytes.
    again = pdf_of(await notice(client, team["auditor"], filing["id"], "filing"))
    assert again == first
    assert await pool.fetchval("SELECT count(*) FROM notices") == 1
    events = await pool.fetch(
        "SELECT actor, data FROM audit_events WHERE action = 'notice_issued' AND entity_id = $1",
        code,
    )
    assert len(events) == 1
    digest = await pool.fetchval("SELECT digest FROM notices WHERE code = $1", code)
    assert events[0]["data"]["digest"] == digest and events[0]["data"]["code"] == code

    checked = await ok(await client.get(f"/api/v1/public/notices/{code.lower()}"))
    assert checked["genuine"] and checked["audit_matches"] and checked["in_force"]
    assert (checked["kind"], checked["reference"], checked["org_name"]) == (
        "filing",
        filing["reference"],
        ORG,
    )
    assert checked["amount"] is None and checked["status"] == "recognized"


async def test_the_award_decision_prints_the_amount_and_its_breakdown(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock
) -> None:
    claim = await publicized_claim(client, clock, team)
    pdf = pdf_of(await notice(client, team["applicant"], claim["id"], "decision"))
    text = text_of(pdf)
    for printed in ("资金奖励决定书", claim["reference"], ORG, "170万元", "1,700,000.00元"):
        assert printed in text, printed
    for line in claim["award"]["breakdown"]:  # the engine's own explanation lines
        assert re.sub(r"\s+", "", line["label"]) in text, line["label"]
    code = code_in(pdf)
    checked = await ok(await client.get(f"/api/v1/public/notices/{code}"))
    assert (checked["kind"], checked["amount"], checked["amount_wan"]) == (
        "decision",
        "1700000.00",
        "170万元",
    )
    english = await ok(
        await client.get(f"/api/v1/public/notices/{code}", headers={"Accept-Language": "en"})
    )
    assert (english["title"], english["amount_wan"]) == ("Award decision", "1.70 million yuan")


async def test_the_payment_advice_prints_what_finance_recorded(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    [claim] = await confirmed(client, clock, team, pool, 1)
    r = await notice(client, team["applicant"], claim["id"], "payment")
    assert (r.status_code, r.json()["code"]) == (409, "notice_not_available")
    assert "财务登记拨付后出具" in r.json()["detail"]
    await ok(
        await client.post(
            f"/api/v1/admin/applications/{claim['id']}/disbursements",
            json={
                "paid_on": clock.today().isoformat(),
                "amount": "1700000.00",
                "reference": "BK20260601-77",
            },
            headers=bearer(team["finance"]),
        ),
        201,
    )
    text = text_of(pdf_of(await notice(client, team["applicant"], claim["id"], "payment")))
    for printed in (
        "资金拨付通知书",
        claim["reference"],
        ORG,
        "BK20260601-77",
        f"{clock.today().year}年{clock.today().month}月{clock.today().day}日",  # paid on
        "170万元",
        "1,700,000.00元",
        PAYEE["account_no"],
        PAYEE["bank"],
    ):
        assert printed in text, printed


async def test_a_publicity_notice_is_public_from_the_batch_s_first_day(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock
) -> None:
    claim = await publicized_claim(client, clock, team)
    url = f"/api/v1/public/publicity-batches/{claim['batch']['id']}/notice"
    r = await client.get(url)  # nobody signed in
    pdf = pdf_of(r)
    assert "WHAI-GS-2026-0001" in r.headers["content-disposition"]
    text = text_of(pdf)
    for printed in ("资金奖励公示公告", "WHAI-GS-2026-0001", ORG, claim["reference"], "170万元"):
        assert printed in text, printed
    listed = await ok(await client.get("/api/v1/public/announcements"))
    assert listed["items"][0]["batch_id"] == claim["batch"]["id"]  # where to fetch it from
    checked = await ok(await client.get(f"/api/v1/public/notices/{code_in(pdf)}"))
    assert (checked["kind"], checked["count"], checked["amount"]) == ("publicity", 1, "1700000.00")

    # A batch that starts next week has no notice yet; one that does not exist, none at all.
    later = await create_batch_later(client, clock, team)
    r = await client.get(f"/api/v1/public/publicity-batches/{later}/notice")
    assert (r.status_code, r.json()["code"]) == (409, "notice_not_available")
    r = await client.get(f"/api/v1/public/publicity-batches/{UUID(int=7)}/notice")
    assert r.status_code == 404


async def create_batch_later(
    client: AsyncTestClient, clock: FrozenClock, team: dict[str, Any]
) -> str:
    clock.set_date(dt.date(2026, 3, 2))  # filed in time
    filing = await recognized_filing(
        client, team["applicant"], team["reviewer"], team["approver"], title="另一场大赛"
    )
    claim = await approved_claim(
        client, clock, team["applicant"], team["reviewer"], team["approver"], filing["id"]
    )
    batch = await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={
                "application_ids": [claim["id"]],
                "starts_on": (clock.today() + dt.timedelta(days=7)).isoformat(),
            },
            headers=bearer(team["admin"]),
        ),
        201,
    )
    return str(batch["id"])


async def test_who_may_print_an_application_s_notice_and_when(
    client: AsyncTestClient, team: dict[str, Any], pool: asyncpg.Pool
) -> None:
    applicant = team["applicant"]
    filing = await create(client, applicant, filing_body())
    await ok(await submit(client, applicant, filing["id"]))
    r = await notice(client, applicant, filing["id"], "filing")
    assert (r.status_code, r.json()["code"]) == (409, "notice_not_available")
    assert "备案经复核认定后出具" in r.json()["detail"]
    await ok(await decide(client, team["reviewer"], filing["id"], "pass"))
    await ok(await decide(client, team["approver"], filing["id"], "approve"))
    other = await register(client, name="武汉别家科技有限公司")
    assert (await notice(client, None, filing["id"], "filing")).status_code == 401
    r = await notice(client, other["token"], filing["id"], "filing")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    for kind in ("decision", "payment", "publicity", "bogus"):  # a filing has only its own
        assert (await notice(client, applicant, filing["id"], kind)).status_code == 404, kind
    for role in ("reviewer", "finance", "auditor"):
        pdf_of(await notice(client, team[role], filing["id"], "filing"))
    pdf_of(await notice(client, applicant, filing["id"], "filing"))
    assert await pool.fetchval("SELECT count(*) FROM notices") == 1


async def test_a_refusal_says_when_in_english_too(
    client: AsyncTestClient, team: dict[str, Any], pool: asyncpg.Pool
) -> None:
    await pool.execute("UPDATE users SET language = 'en' WHERE id = $1", team["org"]["user"]["id"])
    filing = await create(client, team["applicant"], filing_body())
    r = await client.get(
        f"/api/v1/applications/{filing['id']}/notices/filing",
        headers=bearer(team["applicant"]) | {"Accept-Language": "en"},
    )
    assert (r.status_code, r.json()["code"]) == (409, "notice_not_available")
    assert "once the filing is recognized" in r.json()["detail"]
    assert "draft" in r.json()["detail"]


@pytest.fixture
async def fontless(settings: Settings, clock: FrozenClock, tmp_path: Path) -> AsyncIterator[Any]:
    """The same portal where PORTAL_PDF_FONT_DIR holds no font."""
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    app = create_app(msgspec.structs.replace(settings, pdf_font_dir=empty), clock)
    async with AsyncTestClient(app) as c:
        yield c


async def test_without_a_chinese_font_printing_is_503_and_nothing_is_issued(
    client: AsyncTestClient,
    fontless: AsyncTestClient,
    team: dict[str, Any],
    clock: FrozenClock,
    pool: asyncpg.Pool,
) -> None:
    claim = await publicized_claim(client, clock, team)
    for url, headers in (
        (f"/api/v1/applications/{claim['id']}/notices/decision", bearer(team["applicant"])),
        (f"/api/v1/public/publicity-batches/{claim['batch']['id']}/notice", {}),
    ):
        r = await fontless.get(url, headers=headers)
        assert (r.status_code, r.json()["code"]) == (503, "pdf_unavailable"), url
        assert "fonts-noto-cjk" in r.json()["detail"]
    assert await pool.fetchval("SELECT count(*) FROM notices") == 0
    assert (
        await pool.fetchval("SELECT count(*) FROM audit_events WHERE action = 'notice_issued'") == 0
    )


async def test_two_first_requests_at_once_issue_one_notice(
    client: AsyncTestClient,
    team: dict[str, Any],
    settings: Settings,
    clock: FrozenClock,
    pool: asyncpg.Pool,
) -> None:
    filing = await recognized_filing(client, team["applicant"], team["reviewer"], team["approver"])
    org = team["org"]
    principal = Principal(
        user_id=UUID(org["user"]["id"]),
        email=org["user"]["email"],
        name="张三",
        org_id=UUID(org["org"]["id"]),
        roles=frozenset(),
        language="zh",
    )
    racers = 4
    # Hold back every insert until all requests have read "no notice yet": a real race.
    gate = await pool.acquire()
    tr = gate.transaction()
    await tr.start()
    await gate.execute("LOCK TABLE notices IN SHARE MODE")

    async def first() -> Any:
        return await services.application_notice(
            pool, settings, clock.now(), principal, UUID(filing["id"]), "filing"
        )

    tasks = [asyncio.create_task(first()) for _ in range(racers)]
    for _ in range(300):
        waiting = await pool.fetchval(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'notices'::regclass"
        )
        if waiting == racers:
            break
        await asyncio.sleep(0.02)
    assert waiting == racers
    await tr.rollback()
    await pool.release(gate)
    printed = await asyncio.gather(*tasks)
    assert len({p.code for p in printed}) == 1
    assert len({p.content for p in printed}) == 1
    assert await pool.fetchval("SELECT count(*) FROM notices") == 1
    assert (
        await pool.fetchval("SELECT count(*) FROM audit_events WHERE action = 'notice_issued'") == 1
    )


async def test_an_unknown_or_mistyped_code_is_not_found_and_a_changed_record_is_told(
    client: AsyncTestClient, team: dict[str, Any], pool: asyncpg.Pool
) -> None:
    filing = await recognized_filing(client, team["applicant"], team["reviewer"], team["approver"])
    code = code_in(pdf_of(await notice(client, team["applicant"], filing["id"], "filing")))
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    for typed in (wrong, "not-a-code", "X" * 500):
        r = await client.get(f"/api/v1/public/notices/{typed}")
        assert (r.status_code, r.json()["code"]) == (404, "notice_not_found"), typed
    # Someone changes the facts on file: the digest no longer matches the audit trail's.
    await pool.execute(
        "UPDATE notices SET facts = jsonb_set(facts, '{org,name}', '\"冒名单位\"') WHERE code = $1",
        code,
    )
    checked = await ok(await client.get(f"/api/v1/public/notices/{code}"))
    assert checked["genuine"] and not checked["audit_matches"]


async def test_checking_codes_is_throttled_per_address(client: AsyncTestClient) -> None:
    proxy = {"X-Forwarded-For": "203.0.113.9"}
    transport = httpx.ASGITransport(app=client.app, client=("10.9.9.9", 50000))  # a trusted proxy

    async def check_many() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return [
                await c.get("/api/v1/public/notices/AAAA-BBBB-CCCC-DDDD", headers=proxy)
                for _ in range(31)
            ]

    answers = client.blocking_portal.call(check_many)
    assert [a.status_code for a in answers[:30]] == [404] * 30
    assert answers[30].status_code == 429 and answers[30].json()["code"] == "too_many_requests"
    assert int(answers[30].headers["retry-after"]) > 0
    # Another address is not held back.
    assert (await client.get("/api/v1/public/notices/AAAA-BBBB-CCCC-DDDD")).status_code == 404


async def test_a_withdrawn_award_s_decision_no_longer_stands_and_a_new_one_is_issued(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock
) -> None:
    claim = await publicized_claim(client, clock, team)
    first = code_in(pdf_of(await notice(client, team["applicant"], claim["id"], "decision")))
    objection = await ok(await lodge_objection(client, claim["id"], "发票重复使用"), 201)
    await ok(await resolve(client, team["approver"], objection["id"], "upheld", "异议属实"))
    r = await notice(client, team["applicant"], claim["id"], "decision")
    assert (r.status_code, r.json()["code"]) == (409, "notice_not_available")
    checked = await ok(await client.get(f"/api/v1/public/notices/{first}"))
    assert checked["audit_matches"] and not checked["in_force"]
    assert checked["status"] == "submitted"

    # Approved again (cut to 1,000,000.00): a new decision with a code of its own.
    await ok(
        await decide(
            client,
            team["reviewer"],
            claim["id"],
            "pass",
            approved_lines={"0": "500000.00", "1": "500000.00", "2": "1000000.00"},
        )
    )
    await ok(await decide(client, team["approver"], claim["id"], "approve"))
    pdf = pdf_of(await notice(client, team["applicant"], claim["id"], "decision"))
    assert code_in(pdf) != first and "100万元" in text_of(pdf)
    assert not (await ok(await client.get(f"/api/v1/public/notices/{first}")))["in_force"]
    assert (await ok(await client.get(f"/api/v1/public/notices/{code_in(pdf)}")))["in_force"]
