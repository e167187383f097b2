"""Notices from the pages: the download links of the applicant's and the console's application
pages (signed in by cookie), the publicity pages' batch notices, and the public verification
page in both languages."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, register, token
from tests.portal.flows import create, filing_body, ok, publicized_claim, recognized_filing, submit
from tests.portal.test_notices import ORG, code_in, pdf_of, text_of
from tests.web.test_applicant_pages import sign_in as applicant_sign_in
from tests.web.test_console_pages import make_staff
from tests.web.test_console_pages import sign_in as staff_sign_in
from tests.web.test_page_languages import TECHNICAL, WORD, _data, _said, _said_in_english

EMAIL = "notices-pages@example.cn"


async def _team(client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock) -> dict[str, Any]:
    """An organization (signed in by page as EMAIL) and staff of each role, as bearer tokens for
    the API steps; `staff` is the email of one who signs in to the console."""
    org = await register(client, name=ORG, email=EMAIL)
    out: dict[str, Any] = {"org": org, "applicant": org["token"]}
    for role in ("reviewer", "approver", "admin", "finance"):
        out[role] = await token(client, await make_staff(pool, clock, role))
    out["staff"] = await make_staff(pool, clock, "auditor")
    return out


async def test_a_firm_and_staff_download_the_filing_notice_from_their_pages(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    team = await _team(client, pool, clock)
    waiting = await create(client, team["applicant"], filing_body(title="尚在审核的大会"))
    await ok(await submit(client, team["applicant"], waiting["id"]))
    filing = await recognized_filing(client, team["applicant"], team["reviewer"], team["approver"])

    await applicant_sign_in(client, EMAIL)
    page = (await client.get(f"/app/applications/{filing['id']}")).text
    link = f'href="/app/applications/{filing["id"]}/notices/filing"'
    assert link in page and 'id="notice-filing"' in page
    assert 'id="notice-decision"' not in page  # a filing has no award
    firm_copy = pdf_of(await client.get(f"/app/applications/{filing['id']}/notices/filing"))
    assert filing["reference"] in text_of(firm_copy)
    assert 'id="notices"' not in (await client.get(f"/app/applications/{waiting['id']}")).text
    assert _said_in_english(page) <= TECHNICAL | set(WORD.findall(str(filing))) | {"pdf"}
    await client.get("/lang/en?next=/app")
    english = (await client.get(f"/app/applications/{filing['id']}")).text
    assert "Filing recognition notice" in english
    assert _said(english) <= _data(filing) | {ORG, "张三", "中文"}
    await client.get("/lang/zh?next=/app")
    r = await client.get(f"/app/applications/{waiting['id']}/notices/filing")
    assert r.status_code == 409 and "备案经复核认定后出具" in r.text  # the error page says when

    other = await register(client, name="武汉别家科技有限公司", email="other-notices@example.cn")
    assert other["token"]
    await applicant_sign_in(client, "other-notices@example.cn")
    assert (await client.get(f"/app/applications/{filing['id']}/notices/filing")).status_code == 404

    await staff_sign_in(client, team["staff"])
    page = (await client.get(f"/console/applications/{filing['id']}")).text
    assert f'href="/console/applications/{filing["id"]}/notices/filing"' in page
    staff_copy = pdf_of(await client.get(f"/console/applications/{filing['id']}/notices/filing"))
    assert staff_copy == firm_copy  # one notice, printed from the same facts

    client.cookies.delete("portal_session")
    r = await client.get(f"/app/applications/{filing['id']}/notices/filing", follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"].startswith("/login")


async def test_the_publicity_pages_link_the_batch_notice(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    team = await _team(client, pool, clock)
    claim = await publicized_claim(client, clock, team)
    url = f"/api/v1/public/publicity-batches/{claim['batch']['id']}/notice"
    assert f'href="{url}"' in (await client.get("/publicity")).text
    await staff_sign_in(client, team["staff"])
    assert f'href="{url}"' in (await client.get("/console/publicity")).text
    assert ORG in text_of(pdf_of(await client.get(url)))


async def test_the_verify_page_shows_a_genuine_notice_in_both_languages(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    team = await _team(client, pool, clock)
    claim = await publicized_claim(client, clock, team)
    pdf = pdf_of(
        await client.get(
            f"/api/v1/applications/{claim['id']}/notices/decision",
            headers=bearer(team["applicant"]),
        )
    )
    code = code_in(pdf)

    form = await client.get("/notices/verify")
    assert form.status_code == 200 and 'name="code"' in form.text
    r = await client.get(f"/notices/verify?code={code.lower().replace('-', ' ')}")
    assert r.status_code == 200
    for shown in (
        "文书真实",
        "资金奖励决定书",
        claim["reference"],
        ORG,
        "170万元",
        "¥1,700,000.00",
    ):
        assert shown in r.text, shown
    assert "审计记录中有与之一致的文书出具记录" in r.text

    # The page's own words are in the page's language; the data stays as typed.
    data = _data(claim) | {ORG, "中文"}
    client.cookies.set("lang", "en")
    english = await client.get(f"/notices/verify?code={code}")
    client.cookies.delete("lang")
    assert "Genuine: issued by this portal" in english.text and "1.70 million yuan" in english.text
    assert _said(english.text) <= data
    allowed = TECHNICAL | set(WORD.findall(str(claim))) | set(code.split("-"))
    assert _said_in_english(r.text) <= allowed

    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    r = await client.get(f"/notices/verify?code={wrong}")
    assert r.status_code == 404 and "未找到该验证码对应的文书" in r.text
    assert 'id="verified"' not in r.text

    # The facts on file changed behind the portal's back: the page says so.
    await pool.execute(
        "UPDATE notices SET facts = jsonb_set(facts, '{amount_fen}', '1') WHERE code = $1", code
    )
    r = await client.get(f"/notices/verify?code={code}")
    assert "文书存档与出具记录不一致" in r.text and "不一致,请联系主管部门" in r.text


async def test_the_verify_page_is_throttled_per_address(client: AsyncTestClient) -> None:
    for _ in range(30):
        r = await client.get("/notices/verify?code=AAAA-BBBB-CCCC-DDDD")
        assert r.status_code == 404
    r = await client.get("/notices/verify?code=AAAA-BBBB-CCCC-DDDD")
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert re.search(r"请在\d+秒后重试", r.text)
    assert (await client.get("/notices/verify")).status_code == 200  # the form itself is not
