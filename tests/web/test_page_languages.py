"""Every page speaks its language: in English nothing in Chinese but what people typed or the
policy's data is (names, the application's own fields, program definitions); in Chinese no
English words of the page's own. A test, not a look."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, get_args

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from domain.definition.model import FieldKind
from tests.factories import bearer, register
from tests.portal.flows import create, filing_body, ok, submit
from tests.web.test_applicant_pages import sign_in as applicant_sign_in
from tests.web.test_console_pages import make_staff
from tests.web.test_console_pages import sign_in as staff_sign_in

CJK = re.compile(r"[\u4e00-\u9fff]+")


def _said(page: str) -> set[str]:
    """The Chinese a page shows as its own words (scripts, templates, text boxes and quoted
    policy text left out: they hold data or the other language on purpose)."""
    page = re.sub(r"<(script|style|template|textarea)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<[a-z]+ [^>]*lang="zh-CN"[^>]*>.*?</[a-z]+>', " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return set(CJK.findall(html.unescape(page)))


def _checker(
    client: AsyncTestClient, allowed: set[str], said: Callable[[str], set[str]]
) -> tuple[dict[str, set[str]], Callable[..., Awaitable[None]]]:
    """Pages to check, and what each said beyond `allowed`."""
    untranslated: dict[str, set[str]] = {}

    async def check(*urls: str) -> None:
        for url in urls:
            r = await client.get(url)
            assert r.status_code == 200, url
            if left := said(r.text) - allowed:
                untranslated[url] = left

    return untranslated, check


def _applicant_pages(submitted: str, draft: str) -> tuple[str, ...]:
    return (
        "/app",
        "/app/new",
        f"/app/applications/{submitted}",
        f"/app/applications/{draft}/edit",
        f"/app/applications/{draft}/review",
        "/app/inbox",
        "/app/organization",
        "/app/new/event_claim",
        "/account/password",
    )


def _data(*documents: Any) -> set[str]:
    """Every run of Chinese the data holds (what people typed, the programs' definitions)."""
    return {run for d in documents for run in CJK.findall(json.dumps(d, ensure_ascii=False))}


async def test_every_page_in_english_has_no_untranslated_words(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    email = "english-pages@example.cn"
    org = await register(client, name="Wuhan English Pages Tech Co", email=email)
    filing = await create(client, org["token"], filing_body(title="English Expo"))
    await ok(await submit(client, org["token"], filing["id"]))
    draft = await create(client, org["token"], filing_body(title="English Forum"))
    programs = [
        (await client.get(f"/api/v1/programs/{p['code']}")).json()
        for p in (await client.get("/api/v1/programs")).json()["items"]
    ]
    shown = [
        (await client.get(f"/api/v1/applications/{x['id']}", headers=bearer(org["token"]))).json()
        for x in (filing, draft)
    ]
    allowed = _data(programs, shown) | {"中文"}  # the language switch names its language
    untranslated, check = _checker(client, allowed, _said)

    client.cookies.set("lang", "en")
    await check("/", "/programs/event-support", "/programs/vertical-model", "/publicity")
    await check("/notices/verify")  # with a code: tests/web/test_notice_pages.py
    await check("/login", "/register", "/statistics")
    await check("/password-reset", "/password-reset/confirm?token=x", "/invitations/accept?token=x")
    allowed.add("张三")  # the applicant's name
    await applicant_sign_in(client, email)
    client.cookies.delete("lang")
    await client.get("/lang/en?next=/app")
    await check(*_applicant_pages(filing["id"], draft["id"]))
    staff = await make_staff(pool, clock, "reviewer", "approver", "admin", "finance")
    allowed.add("职员")  # the staff member's name
    await staff_sign_in(client, staff)
    client.cookies.delete("lang")
    await client.get("/lang/en?next=/console")
    # A district's budget beside the city's: its row names the district, in English too.
    await pool.execute(
        "INSERT INTO budgets (program_code, year, funder, allocated_fen, updated_at)"
        " VALUES ('computing-center-match', $1, '420111', 100000000, now())",
        clock.today().year,
    )
    await check(
        "/console",
        f"/console/applications/{filing['id']}",
        "/console/budgets",
        "/console/programs",
        "/console/programs/event-support",
        "/console/calls",
        "/console/exchanges",
        "/console/calendar",
        "/console/publicity",
        "/console/payments",
        "/console/objections",
        "/console/exports",
        "/console/users",
        "/console/audit",
        "/console/statistics",
        "/console?status=&overdue=1",
        "/console/dead-letters",
        f"/console/organizations/{org['org']['id']}",
        "/console/programs/event-support/versions/1",
    )
    assert untranslated == {}, untranslated


WORD = re.compile(r"\b[A-Za-z]{3,}\b")
# Names that are the same in both languages: file formats and units, the exchanges' codes.
TECHNICAL = {"PDF", "JPEG", "PNG", "XML", "OFD", "KiB", "MiB", "CSV", "XLSX", "Excel", "UTF"}
TECHNICAL |= {"JSON"}  # the public statistics' link to their data


def _said_in_english(page: str) -> set[str]:
    page = re.sub(r"<(script|style|template|textarea)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<[a-z]+ [^>]*lang="en"[^>]*>.*?</[a-z]+>', " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return set(WORD.findall(html.unescape(page)))


async def test_every_page_in_chinese_has_no_english_words_of_its_own(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    email = "zh-pages@example.cn"
    org = await register(client, name="武汉中文页面科技有限公司", email=email)
    filing = await create(client, org["token"], filing_body())
    await ok(await submit(client, org["token"], filing["id"]))
    draft = await create(client, org["token"], filing_body(title="人工智能开发者大会"))
    shown = [
        (await client.get(f"/api/v1/applications/{x['id']}", headers=bearer(org["token"]))).json()
        for x in (filing, draft)
    ]
    programs = [
        (await client.get(f"/api/v1/programs/{p['code']}")).json()
        for p in (await client.get("/api/v1/programs")).json()["items"]
    ]
    # What people typed or uploaded (file names, their types) is theirs to word; addresses are
    # theirs too. Programs' codes stand beside their titles for the admins who write them, and a
    # definition is written in its vocabulary's words (shown on the programs' pages).
    allowed = TECHNICAL | set(WORD.findall(json.dumps([shown, programs]))) | {"pdf", "application"}
    allowed |= set(get_args(FieldKind)) | {"example", "pages", "wuhan", "gov", "migration"}
    allowed |= {"SSE", "SZSE", "BSE", "HKEX", "NYSE", "NASDAQ", "LSE", "TSE", "SGX", "ASX"}
    allowed |= {"KRX", "FWB", "SIX", "TSX"}  # exchanges are known by their codes
    untranslated, check = _checker(client, allowed, _said_in_english)

    await check("/", "/programs/event-support", "/programs/vertical-model", "/publicity")
    await check("/notices/verify")  # with a code: tests/web/test_notice_pages.py
    await check("/login", "/register", "/statistics")
    await check("/password-reset", "/password-reset/confirm?token=x", "/invitations/accept?token=x")
    await applicant_sign_in(client, email)
    await check(*_applicant_pages(filing["id"], draft["id"]))
    await staff_sign_in(client, await make_staff(pool, clock, "reviewer", "admin", "finance"))
    await check(
        "/console",
        f"/console/applications/{filing['id']}",
        "/console/calls",
        "/console/calendar",
        "/console/publicity",
        "/console/payments",
        "/console/objections",
        "/console/exports",
        "/console/statistics",
        "/console?status=&overdue=1",
        "/console/budgets",
        "/console/programs",
        "/console/programs/event-support",
        "/console/programs/event-support/versions/1",
        "/console/exchanges",
        "/console/users",
        "/console/dead-letters",
        f"/console/organizations/{org['org']['id']}",
    )  # not /console/audit: the trail shows its records as they were written (actions, data)
    assert untranslated == {}, untranslated
