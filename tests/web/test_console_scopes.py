"""The console for district staff: an admin sets a scope on the users page; a district reviewer's
queue and pages hold only their districts' applications."""

from __future__ import annotations

import html
import json
import uuid
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from portal.auth.guards import city_staff
from portal.web.console.common import CITY_SECTIONS
from tests.factories import PASSWORD, make_uscc, register, token
from tests.portal.flows import create, filing_body, ok, submit
from tests.portal.test_districts import HONGSHAN, city_state, district_claim, objected
from tests.portal.test_program_versions import TRAINING
from tests.portal.test_scenario_unveiling import open_call, project, scored_and_passed
from tests.web.test_console_pages import make_staff, post_form, sign_in


async def test_an_admin_gives_a_scope_and_the_district_reviewer_sees_only_it(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    admin = await make_staff(pool, clock, "admin")
    token = await sign_in(client, admin)
    r = await post_form(
        client,
        "/console/users",
        token,
        {
            "name": "洪山区审核员",
            "email": "hongshan@wuhan.gov.cn",
            "password": "a long test password",
            "roles": ["reviewer"],
            "districts": ["420111"],
        },
    )
    assert r.status_code == 303, r.text
    page = html.unescape((await client.get("/console/users")).text)
    user_id = await pool.fetchval("SELECT id FROM users WHERE email = 'hongshan@wuhan.gov.cn'")
    summary = page.split(f'id="scope-{user_id}">')[1].split("</summary>")[0]
    assert summary == "洪山区"
    assert "市级(全部区)" in page  # the admin's own scope

    # Two events, one in 洪山区 and one in 武昌区 (an event is its venue's district's).
    org = await register(client, uscc=make_uscc("420106"))
    here = await create(client, org["token"], filing_body(district="420111", title="洪山论坛"))
    there = await create(client, org["token"], filing_body(district="420106", title="武昌论坛"))
    for app in (here, there):
        await ok(await submit(client, org["token"], app["id"]))

    await sign_in(client, "hongshan@wuhan.gov.cn")
    queue = (await client.get("/console")).text
    assert "洪山论坛" in queue and "武昌论坛" not in queue
    assert (await client.get(f"/console/applications/{here['id']}")).status_code == 200
    assert (await client.get(f"/console/applications/{there['id']}")).status_code == 404

    # Back to the city: the scope is saved, the reviewer's sign-in ended.
    token = await sign_in(client, admin)
    r = await post_form(client, f"/console/users/{user_id}/districts", token, {})
    assert r.status_code == 303 and r.headers["location"].endswith("done=scope")
    page = html.unescape((await client.get(r.headers["location"])).text)
    assert "工作范围已保存" in page
    assert page.split(f'id="scope-{user_id}">')[1].startswith("市级(全部区)")
    assert await pool.fetchval("SELECT districts FROM users WHERE id = $1", user_id) == []


VERSION = {
    "effective_from": "2026-01-01",
    "effective_to": "2026-12-31",
    "params": json.dumps(TRAINING | {"workflow": {"review_chain": "district_then_city"}}),
}
# The console's pages and forms that are the city's (`city_staff`), each with what it is sent.
CITY_PAGES: dict[tuple[str, str], dict[str, Any] | None] = {
    ("GET", "/console/users"): None,
    ("POST", "/console/users"): {
        "name": "市级管理员",
        "email": "made-by-a-district@wuhan.gov.cn",
        "password": PASSWORD,
        "roles": ["admin"],
    },
    ("POST", "/console/users/{user_id:uuid}/roles"): {"roles": ["admin"]},
    ("POST", "/console/users/{user_id:uuid}/districts"): {},  # the city
    ("POST", "/console/users/{user_id:uuid}/active"): {"active": "false"},
    ("GET", "/console/dead-letters"): None,
    ("POST", "/console/dead-letters/{delivery_id:int}/retry"): {},
    ("GET", "/console/audit"): None,
    ("GET", "/console/audit/verify"): None,
    ("POST", "/console/calls"): {
        "program": "event-support",
        "year": "2026",
        "opens_on": "2026-03-01",
        "closes_on": "2026-06-30",
    },
    ("POST", "/console/exchanges"): {
        "code": "KRX",
        "valid_from": "2026-01-01",
        "name_zh": "韩国交易所",
        "name_en": "Korea Exchange",
        "market": "overseas",
        "jurisdiction": "KR",
        "eligible": "on",
    },
    ("POST", "/console/calendar"): {
        "day": "2026-03-09",
        "kind": "holiday",
        "name_zh": "区定假日",
        "name_en": "District day",
    },
    ("POST", "/console/calendar/{day:date}/delete"): {},
    ("POST", "/console/programs"): {
        "code": "district-own-subsidy",
        "article": "九",
        "title_zh": "区自定补贴",
        "title_en": "A district's own subsidy",
        **VERSION,
    },
    ("POST", "/console/programs/{code:str}/versions"): VERSION,
    ("POST", "/console/programs/{code:str}/versions/{version:int}"): VERSION,
    ("POST", "/console/programs/{code:str}/versions/{version:int}/publish"): {},
}


def _console_routes(client: AsyncTestClient, guard: Any) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in client.app.routes
        if route.path.startswith("/console")
        for handler in getattr(route, "route_handlers", [])
        if guard in (handler.guards or [])
        for method in handler.http_methods
    }


async def test_a_district_admin_gets_none_of_the_citys_pages(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    # Every console route the city keeps is here; a new one fails this test until it is.
    assert _console_routes(client, city_staff) == set(CITY_PAGES)
    moved = await accounts.create_staff_user(
        pool,
        clock.now(),
        "cli",
        StaffUserIn(
            email="hongshan-reviewer@wuhan.gov.cn",
            password=PASSWORD,
            name="洪山区审核员",
            roles=["reviewer"],
            districts=["420111"],
        ),
    )
    await accounts.create_staff_user(
        pool,
        clock.now(),
        "cli",
        StaffUserIn(
            email="hongshan-admin@wuhan.gov.cn",
            password=PASSWORD,
            name="洪山区管理员",
            roles=["admin", "auditor"],
            districts=["420111"],
        ),
    )
    token = await sign_in(client, "hongshan-admin@wuhan.gov.cn")
    values = {
        "{user_id:uuid}": str(moved),
        "{delivery_id:int}": "1",
        "{day:date}": "2026-10-01",
        "{code:str}": "event-support",
        "{version:int}": "1",
    }
    before = await city_state(pool)
    for (method, path), form in CITY_PAGES.items():
        url = path
        for name, value in values.items():
            url = url.replace(name, value)
        if method == "GET":
            r = await client.get(url)
        else:
            r = await post_form(client, url, token, form or {})
        assert r.status_code == 403, (url, r.status_code)
        assert "工作人员账号和全市配置由市级管理" in html.unescape(r.text), url
    assert await city_state(pool) == before  # nothing changed
    menu = (await client.get("/console")).text  # nor are those pages offered in the menu
    assert all(f'href="{p}"' not in menu for p in CITY_SECTIONS)
    assert 'href="/console/statistics"' in menu

    # The city's admin reads the audit log and opens a call from the same forms.
    token = await sign_in(client, await make_staff(pool, clock, "admin"))
    page = html.unescape((await client.get("/console/audit")).text)
    assert "user.created" in page
    r = await post_form(client, "/console/calls", token, CITY_PAGES[("POST", "/console/calls")])
    assert r.status_code == 303, r.text
    call = await pool.fetchrow("SELECT opens_on FROM calls WHERE program_code = 'event-support'")
    assert call is not None and call["opens_on"].isoformat() == "2026-03-01"


async def _district_staff(pool: asyncpg.Pool, clock: FrozenClock, role: str, district: str) -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@wuhan.gov.cn"
    data = StaffUserIn(
        email=email,
        password=PASSWORD,
        name="区级人员",
        roles=[role],  # type: ignore[list-item]
        districts=[district],  # type: ignore[list-item]
    )
    await accounts.create_staff_user(pool, clock.now(), "cli", data)
    return email


async def test_a_district_approver_ranks_and_opens_files_of_their_district_only(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    await ok(await open_call(client, await token(client, await make_staff(pool, clock, "admin"))))
    here = await register(client, uscc=make_uscc("420106"), name="武汉武昌页面科技有限公司")
    there = await register(client, uscc=make_uscc("420111"), name="武汉洪山页面科技有限公司")
    experts = [await token(client, await make_staff(pool, clock, "reviewer")) for _ in range(3)]
    for org, title in ((here, "武昌页面场景"), (there, "洪山页面场景")):
        await scored_and_passed(
            client, {"a": org["token"], "experts": experts}, project(title), [80, 85, 90]
        )
    ranking = "/console/calls/scenario-project/2026/ranking"

    await sign_in(client, await make_staff(pool, clock, "approver"))  # the city's
    page = (await client.get(ranking)).text
    assert "武昌页面场景" in page and "洪山页面场景" in page

    await sign_in(client, await _district_staff(pool, clock, "approver", "420106"))
    r = await client.get(ranking)
    assert r.status_code == 200
    assert "武昌页面场景" in r.text and "武汉武昌页面科技有限公司" in r.text
    assert "洪山" not in r.text
    r = await client.get(f"/console/organizations/{here['org']['id']}")
    assert r.status_code == 200 and "武汉武昌页面科技有限公司" in r.text
    r = await client.get(f"/console/organizations/{there['org']['id']}")
    assert r.status_code == 404 and "洪山" not in r.text


async def test_a_districts_staff_are_offered_no_step_of_the_citys(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    """The forms a district's staff would be refused (403 city_decides) are not offered."""
    there = await register(client, uscc=make_uscc(HONGSHAN), name="武汉洪山表单科技有限公司")
    claim = await district_claim(client, there, "洪山表单模型")
    city = {
        role: await token(client, await make_staff(pool, clock, role))
        for role in ("reviewer", "approver", "admin")
    }
    await objected(client, city, claim["id"], clock)
    page = f"/console/applications/{claim['id']}"
    for role, form in (("approver", "/resolution"), ("finance", 'id="payment-held"')):
        await sign_in(client, await _district_staff(pool, clock, role, HONGSHAN))
        assert "洪山表单模型" in (shown := (await client.get(page)).text)
        assert form not in shown, role
    assert 'name="application_ids"' not in (await client.get("/console/publicity")).text
    await sign_in(client, await make_staff(pool, clock, "approver", "finance"))
    shown = (await client.get(page)).text
    assert "/resolution" in shown and 'id="payment-held"' in shown
