"""Public pages and sign-in through HTTP: rendering, CSRF, cookies, headers, language."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from portal.web.templating import district
from tests.factories import PASSWORD, make_uscc, register


def csrf(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "every page carries its CSRF token"
    return match.group(1)


async def test_public_pages_render_with_security_headers(client: AsyncTestClient) -> None:
    for url in (
        "/",
        "/programs/event-support",
        "/programs/ipo-overseas",
        "/programs/ipo-domestic",
        "/publicity",
        "/login",
        "/register",
    ):
        r = await client.get(url)
        assert r.status_code == 200, url
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
    home = (await client.get("/")).text
    assert (
        "武汉市人工智能产业政策资金申报平台" in home
        and "人工智能国家级、国际性重大活动支持" in home
    )
    program = (await client.get("/programs/event-support")).text
    assert (
        "经事前认定备案,按活动费用给予50%最高200万元资金支持" in program
    )  # the policy's own words
    assert (await client.get("/static/vendor/htmx-2.0.11.min.js")).status_code == 200


async def test_calculator_partial_and_csrf(client: AsyncTestClient) -> None:
    token = csrf((await client.get("/programs/event-support")).text)
    r = await client.post(
        "/programs/event-support/estimate", data={"eligible_costs": "5000000", "_csrf_token": token}
    )
    assert r.status_code == 200
    assert "¥2,000,000.00" in r.text and "200万元" in r.text
    # 50 % of 2,345,678.91 is 1,172,839.45: read as 117.28万元, the exact yuan beside it.
    r = await client.post(
        "/programs/event-support/estimate",
        data={"eligible_costs": "2345678.91", "_csrf_token": token},
    )
    assert "¥1,172,839.45" in r.text and "(117.28万元)" in r.text
    assert "117.283945" not in r.text
    r = await client.post(
        "/programs/event-support/estimate", data={"eligible_costs": "-5", "_csrf_token": token}
    )
    assert 'role="alert"' in r.text
    r = await client.post("/programs/event-support/estimate", data={"eligible_costs": "5000000"})
    assert r.status_code == 403  # no CSRF token


async def test_uscc_checked_as_typed(client: AsyncTestClient) -> None:
    ok = await client.get(f"/register/check-uscc?uscc={make_uscc('420111')}")
    assert "420111" in ok.text and "武汉市" in ok.text
    bad = await client.get("/register/check-uscc?uscc=914403001922038217")
    assert "校验位" in bad.text


async def test_register_login_logout_with_session_renewal(client: AsyncTestClient) -> None:
    token = csrf((await client.get("/register")).text)
    uscc = make_uscc()
    form = {
        "_csrf_token": token,
        "org_name": "武汉页测科技有限公司",
        "uscc": uscc,
        "contact_name": "王五",
        "contact_phone": "13700000000",
        "name": "王五",
        "email": "page@example.cn",
        "password": PASSWORD,
    }
    r = await client.post("/register", data=form)
    assert r.status_code == 200 and "注册成功" in r.text
    r = await client.post("/register", data=form)
    assert r.status_code == 422 and "已注册" in r.text
    # A planted session cookie is not kept through sign-in.
    client.cookies.set("portal_session", "planted-by-attacker")
    r = await client.post(
        "/login",
        data={"_csrf_token": token, "email": "page@example.cn", "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code in (302, 303)
    set_cookie = r.headers["set-cookie"]
    assert (
        "portal_session=" in set_cookie
        and "HttpOnly" in set_cookie
        and "samesite=lax" in set_cookie.lower()
    )
    session = r.cookies["portal_session"]
    assert session != "planted-by-attacker"
    client.cookies.set("portal_session", session)
    home = await client.get("/")
    assert "王五" in home.text
    # Cookies never authenticate the API.
    assert (await client.get("/api/v1/me")).status_code == 401
    r = await client.post("/logout", data={"_csrf_token": csrf(home.text)}, follow_redirects=False)
    assert r.status_code in (302, 303)
    client.cookies.set("portal_session", session)  # replaying the old cookie: the server ended it
    assert "王五" not in (await client.get("/")).text


async def test_wrong_password_shows_the_error_next_to_the_form(client: AsyncTestClient) -> None:
    await register(client, email="x1@example.cn")
    token = csrf((await client.get("/login")).text)
    r = await client.post(
        "/login",
        data={"_csrf_token": token, "email": "x1@example.cn", "password": "wrong password"},
    )
    assert r.status_code == 401 and "邮箱或密码错误" in r.text


async def test_language_switch_is_remembered(client: AsyncTestClient) -> None:
    r = await client.get("/lang/en?next=/publicity", follow_redirects=False)
    assert r.headers["location"] == "/publicity"
    client.cookies.set("lang", "en")
    assert "Publicity" in (await client.get("/publicity")).text
    r = await client.get("/lang/en?next=https://evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/"


async def test_articles_are_cited_in_each_language(client: AsyncTestClient) -> None:
    home = (await client.get("/")).text
    assert "第十一条" in home and "第三条" in home
    client.cookies.set("lang", "en")
    home = (await client.get("/")).text
    assert "Article 11" in home and "Article 3" in home and "Article 十" not in home
    program = (await client.get("/programs/event-support")).text
    assert "(Article 11)" in program


async def test_every_defined_program_has_its_calculator_in_both_languages(
    client: AsyncTestClient,
) -> None:
    cases = {
        "vertical-model": ({"rd_costs": "1000000"}, "¥300,000.00"),
        "ai-park-award": ({"requested": "8000000", "year_index": "2"}, "¥8,000,000.00"),
        "vertical-model-compute": (
            {"local_compute_fees": "4000000", "already_paid": "4000000"},
            "¥1,000,000.00",
        ),
        "cluster-award": ({}, "¥5,000,000.00"),
    }
    for code, (inputs, amount) in cases.items():
        page = (await client.get(f"/programs/{code}")).text
        for name in inputs:
            assert f'name="{name}"' in page, (code, name)
        assert 'id="how-to-apply"' in page
        r = await client.post(
            f"/programs/{code}/estimate", data={"_csrf_token": csrf(page), **inputs}
        )
        assert r.status_code == 200 and amount in r.text, (code, r.text)
    page = (await client.get("/programs/vertical-model")).text
    assert "研发成本(元)" in page and "研发费用专项审计报告" in page
    r = await client.post("/programs/vertical-model/estimate", data={"_csrf_token": csrf(page)})
    assert 'role="alert"' in r.text and "须填写研发成本(元)" in r.text
    await client.get("/lang/en?next=/")
    page = (await client.get("/programs/vertical-model")).text
    assert "R&amp;D costs (yuan)" in page and "Audit of R&amp;D costs" in page
    r = await client.post(
        "/programs/vertical-model/estimate",
        data={"_csrf_token": csrf(page), "rd_costs": "20000000"},
    )
    assert "¥5,000,000.00" in r.text and "研" not in r.text


def test_a_district_is_named_never_coded() -> None:
    assert district("420104", "zh") == "硚口区" and district("420104", "en") == "Qiaokou"
    assert district("440300", "zh") == "武汉市外(440300)"
    assert district("440300", "en") == "outside Wuhan (440300)"
