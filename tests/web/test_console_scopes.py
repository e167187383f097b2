"""The console for district staff: an admin sets a scope on the users page; a district reviewer's
queue and pages hold only their districts' applications."""

from __future__ import annotations

import html

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import make_uscc, register
from tests.portal.flows import create, filing_body, ok, submit
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
