"""The applicant's pages through HTTP: who sees what, CSRF, autosave through the PATCH service,
submission errors in words, uploads, the claim against a recognized filing, the inbox."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any
from urllib.parse import quote

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from portal.web import i18n
from portal.web.applicant import dashboard
from sql.settings import Settings
from tests.factories import PASSWORD, bearer, register, token
from tests.portal.flows import ENDS, decide, ok
from tests.web.test_public_pages import csrf
from tests.workers.harness import job_ctx
from workers.relay import relay

_n = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILING_FORM = {
    "title": "2026 光谷人工智能大会",
    "event_type": "conference",
    "level": "international",
    "venue": "武汉光谷科技会展中心",
    "district": "420111",
    "starts_on": "2026-05-11",
    "ends_on": "2026-05-13",
    "expected_attendance": "3000",
    "co_organizers": "武汉市人工智能产业协会\n华中科技大学",
    "budget_lines-0-category": "venue",
    "budget_lines-0-description": "场地租赁",
    "budget_lines-0-amount": "1200000.00",
    "budget_lines-1-category": "promotion",
    "budget_lines-1-description": "宣传推广",
    "budget_lines-1-amount": "800000",
    "budget_lines-2-category": "prizes",
    "budget_lines-2-description": "奖金",
    "budget_lines-2-amount": "2000000.00",
}


async def sign_in(client: AsyncTestClient, email: str) -> str:
    """Sign in through the login page; returns the CSRF token the next forms carry."""
    client.cookies.delete("portal_session")
    token_ = csrf((await client.get("/login")).text)
    r = await client.post(
        "/login",
        data={"_csrf_token": token_, "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code in (302, 303), r.text
    client.cookies.set("portal_session", r.cookies["portal_session"])
    return token_


async def organizer(
    client: AsyncTestClient, name: str = "武汉页面测试科技有限公司"
) -> dict[str, Any]:
    email = f"applicant{next(_n)}@example.cn"
    org = await register(client, email=email, name=name)
    org["email"] = email
    org["csrf"] = await sign_in(client, email)
    return org


async def post(client: AsyncTestClient, url: str, token_: str, data: dict[str, Any]) -> Any:
    return await client.post(url, data={"_csrf_token": token_, **data}, follow_redirects=False)


async def new_draft(client: AsyncTestClient, token_: str, type_: str, **extra: Any) -> str:
    r = await post(client, f"/app/new/{type_}", token_, extra)
    assert r.status_code == 303, r.text
    match = re.fullmatch(r"/app/applications/([0-9a-f-]{36})/edit", r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


async def attach(client: AsyncTestClient, token_: str, app_id: str, *kinds: str) -> None:
    """Upload documents to the draft from its page, without script (the form's own post)."""
    for kind in kinds:
        r = await client.post(
            "/app/documents",
            data={"_csrf_token": token_, "application_id": app_id, "kind": kind},
            files={"file": (f"{kind}.pdf", PDF, "application/pdf")},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text


async def api_get(client: AsyncTestClient, api_token: str, app_id: str) -> dict[str, Any]:
    return await ok(await client.get(f"/api/v1/applications/{app_id}", headers=bearer(api_token)))


async def staff_tokens(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> tuple[str, str]:
    out = []
    for role in ("reviewer", "approver"):
        email = f"{role}{next(_n)}@wuhan.gov.cn"
        data = StaffUserIn(email=email, password=PASSWORD, name=f"职员{role}", roles=[role])  # type: ignore[list-item]
        await accounts.create_staff_user(pool, clock.now(), "cli", data)
        out.append(await token(client, email))
    return out[0], out[1]


# ------------------------------------------------------------------ access


async def test_unsigned_visitors_are_sent_to_sign_in_with_the_page_to_return_to(
    client: AsyncTestClient,
) -> None:
    for url in (
        "/app",
        "/app/inbox",
        "/app/applications/4f1c1b9e-0000-4000-8000-000000000000/edit",
    ):
        r = await client.get(url, follow_redirects=False)
        assert r.status_code in (302, 303, 307), url
        assert r.headers["location"] == f"/login?next={quote(url)}"


async def test_every_page_renders_for_the_owner_and_is_a_404_page_for_another_org(
    client: AsyncTestClient,
) -> None:
    other = await organizer(client, "武汉另一家科技有限公司")
    owner = await organizer(client)
    types = [
        "event_filing",
        "ipo_domestic_claim",
        "ipo_overseas_claim",
        "scenario_project",
        "unveiling_award",
    ]
    ids = {t: await new_draft(client, owner["csrf"], t) for t in types}
    home = await client.get("/app")
    assert home.status_code == 200
    assert "我的申报" in home.text and "武汉页面测试科技有限公司" in home.text
    for type_, app_id in ids.items():
        for suffix in ("", "/edit", "/review"):
            r = await client.get(f"/app/applications/{app_id}{suffix}")
            assert r.status_code == 200, (type_, suffix, r.text[-500:])
            assert i18n.TYPE_NAMES[type_][0] in r.text
        edit = (await client.get(f"/app/applications/{app_id}/edit")).text
        # Every input has its label.
        ids_ = set(re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', edit))
        labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', edit))
        assert ids_ - labelled == set(), (type_, ids_ - labelled)
    filing_page = (await client.get(f"/app/applications/{ids['event_filing']}/edit")).text
    assert '<table class="lines" id="budget_lines"' in filing_page
    assert 'id="starts_on" name="starts_on" type="date"' in filing_page  # a date picker
    for url in ("/app/new", "/app/new/event_claim", "/app/new/scenario_project", "/app/inbox"):
        assert (await client.get(url)).status_code == 200, url
    assert "暂无可申报兑现的已认定备案" in (await client.get("/app/new/event_claim")).text
    r = await client.get("/app/calculator", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert (await client.get("/app/new/no_such_type")).status_code == 404

    # Another organization: every page of it is "not found", and so are its forms' targets.
    other["csrf"] = await sign_in(client, other["email"])
    app_id = ids["event_filing"]
    for url in (f"/app/applications/{app_id}", f"/app/applications/{app_id}/edit"):
        r = await client.get(url)
        assert r.status_code == 404 and "未找到该申请" in r.text, url
    r = await post(client, f"/app/applications/{app_id}/autosave", other["csrf"], {"title": "x"})
    assert r.status_code == 404
    r = await post(client, f"/app/applications/{app_id}/submit", other["csrf"], {})
    assert r.status_code == 404
    assert "武汉页面测试科技有限公司" not in (await client.get("/app")).text


async def test_posts_need_the_csrf_token(client: AsyncTestClient) -> None:
    owner = await organizer(client)
    app_id = await new_draft(client, owner["csrf"], "event_filing")
    for url in (
        "/app/new/event_filing",
        f"/app/applications/{app_id}/autosave",
        f"/app/applications/{app_id}/submit",
        "/app/inbox/read-all",
    ):
        r = await client.post(url, data={"title": "x"}, follow_redirects=False)
        assert r.status_code == 403, url
    r = await client.post("/app/documents", files={"file": ("a.pdf", PDF, "application/pdf")})
    assert r.status_code == 403


# ------------------------------------------------------------------ the form


async def test_autosave_saves_the_draft_through_the_patch_service(client: AsyncTestClient) -> None:
    owner = await organizer(client)
    app_id = await new_draft(client, owner["csrf"], "event_filing")
    url = f"/app/applications/{app_id}/autosave"
    r = await post(client, url, owner["csrf"], FILING_FORM)
    assert r.status_code == 200 and "已保存 10:00" in r.text
    stored = await api_get(client, owner["token"], app_id)
    p = stored["payload"]
    assert p["title"] == "2026 光谷人工智能大会" and p["district"] == "420111"
    assert p["co_organizers"] == ["武汉市人工智能产业协会", "华中科技大学"]
    assert p["expected_attendance"] == 3000
    assert [x["amount"] for x in p["budget_lines"]] == ["1200000.00", "800000.00", "2000000.00"]

    # A bad amount is named at its input (the row it came from, past an empty row); the other
    # fields are still saved.
    bad = {
        **FILING_FORM,
        "title": "改名后的大会",
        "budget_lines-1-amount": "",
        "budget_lines-1-description": "",
        "budget_lines-2-amount": "12,000",
    }
    r = await post(client, url, owner["csrf"], bad)
    assert r.status_code == 200 and "已保存" in r.text and "1 项未能保存" in r.text
    errors = re.search(r"data-errors='([^']*)'", r.text)
    assert errors and "budget_lines.2.amount" in errors.group(1)
    stored = await api_get(client, owner["token"], app_id)
    assert stored["payload"]["title"] == "改名后的大会"
    assert len(stored["payload"]["budget_lines"]) == 3  # the lines stay as they were

    # The form without script: the same save, errors next to the fields on the page.
    r = await post(client, f"/app/applications/{app_id}/edit", owner["csrf"], bad)
    assert r.status_code == 422
    assert 'id="err-budget_lines-2-amount"' in r.text and 'aria-invalid="true"' in r.text
    r = await post(
        client, f"/app/applications/{app_id}/edit", owner["csrf"], {**FILING_FORM, "next": "review"}
    )
    assert r.status_code == 303 and r.headers["location"].endswith("/review")
    review = (await client.get(r.headers["location"])).text
    assert "¥4,000,000.00" in review and "华中科技大学" in review and "洪山区" in review


async def test_submit_errors_show_each_rule_in_words(
    client: AsyncTestClient, clock: FrozenClock
) -> None:
    owner = await organizer(client)
    app_id = await new_draft(client, owner["csrf"], "event_filing")
    r = await post(client, f"/app/applications/{app_id}/submit", owner["csrf"], {})
    assert r.status_code == 422
    assert r.text.count('data-code="required"') >= 8
    assert "预算明细" in r.text and "提交前须填写此项" in r.text
    # The form opens again with each error beside its control, the summary linking to each.
    assert 'href="#starts_on"' in r.text
    slot = re.search(r'<p class="error field-error" id="err-starts_on"[^>]*>([^<]*)</p>', r.text)
    assert (
        slot is not None and "提交前须填写此项" in slot.group(1) and "hidden" not in slot.group(0)
    )

    await post(client, f"/app/applications/{app_id}/autosave", owner["csrf"], FILING_FORM)
    clock.set_date(dt.date(2026, 4, 20))  # past 2026-04-11, thirty days before the start
    owner["csrf"] = await sign_in(client, owner["email"])  # the session ended with the weeks
    r = await post(client, f"/app/applications/{app_id}/submit", owner["csrf"], {})
    assert r.status_code == 422 and 'data-code="filing_too_late"' in r.text
    assert "须在 2026-04-11 前提交" in r.text

    # A scenario project outside any yearly call.
    project = await new_draft(client, owner["csrf"], "scenario_project")
    await post(
        client, f"/app/applications/{project}/autosave", owner["csrf"], {"call_year": "2026"}
    )
    r = await post(client, f"/app/applications/{project}/submit", owner["csrf"], {})
    assert r.status_code == 422 and 'data-code="call_closed"' in r.text


async def test_submit_and_withdraw_from_the_review_page(client: AsyncTestClient) -> None:
    owner = await organizer(client)
    app_id = await new_draft(client, owner["csrf"], "event_filing")
    await post(client, f"/app/applications/{app_id}/autosave", owner["csrf"], FILING_FORM)
    # The checklist's documents first: the refusal names each one missing.
    r = await post(client, f"/app/applications/{app_id}/submit", owner["csrf"], {})
    assert r.status_code == 422 and 'data-code="documents_missing"' in r.text
    assert "请上传材料:活动方案" in r.text and "请上传材料:主办单位资质证明" in r.text
    await attach(client, owner["csrf"], app_id, "plan", "qualification")
    r = await post(client, f"/app/applications/{app_id}/submit", owner["csrf"], {})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=submitted")
    page = (await client.get(r.headers["location"])).text
    assert "已提交" in page and "申请已提交" in page and "撤回申请" in page
    assert (await api_get(client, owner["token"], app_id))["status"] == "submitted"
    # A submitted application is no longer a form.
    r = await client.get(f"/app/applications/{app_id}/edit", follow_redirects=False)
    assert r.status_code == 303
    r = await post(client, f"/app/applications/{app_id}/autosave", owner["csrf"], FILING_FORM)
    assert "不能修改" in r.text
    r = await post(client, f"/app/applications/{app_id}/withdraw", owner["csrf"], {})
    assert r.status_code == 303
    page = (await client.get(r.headers["location"])).text
    assert "已撤回" in page
    # The timeline names who did what, from which status to which.
    assert "撤回" in page and "已提交 → 已撤回" in page


# ------------------------------------------------------------------ documents


async def test_upload_refuses_a_wrong_type_visibly_and_serves_the_owner_only(
    client: AsyncTestClient,
) -> None:
    other = await organizer(client, "武汉别家科技有限公司")
    owner = await organizer(client)
    app_id = await new_draft(client, owner["csrf"], "event_filing")
    html = b"<html><script>alert(1)</script></html>"
    headers = {"x-csrftoken": owner["csrf"], "accept": "application/json"}
    r = await client.post(
        "/app/documents", files={"file": ("plan.pdf", html, "application/pdf")}, headers=headers
    )
    assert r.status_code == 415 and "仅接受PDF" in r.json()["error"]
    # Without script the edit page comes back with the message under the file input.
    r = await client.post(
        "/app/documents",
        data={"_csrf_token": owner["csrf"], "application_id": app_id, "kind": "plan"},
        files={"file": ("plan.pdf", html, "application/pdf")},
    )
    assert r.status_code == 415
    assert re.search(r'id="err-file"[^>]*>仅接受PDF', r.text)

    r = await client.post(
        "/app/documents",
        data={"kind": "plan"},
        files={"file": ("活动方案.pdf", PDF, "application/pdf")},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["url"] == f"/app/documents/{doc['id']}" and doc["filename"] == "活动方案.pdf"
    r = await post(
        client,
        f"/app/applications/{app_id}/autosave",
        owner["csrf"],
        {"documents-0-document_id": doc["id"], "documents-0-kind": "plan"},
    )
    assert "已保存" in r.text
    stored = await api_get(client, owner["token"], app_id)
    assert stored["payload"]["documents"] == [{"document_id": doc["id"], "kind": "plan"}]
    assert "活动方案.pdf" in (await client.get(f"/app/applications/{app_id}/edit")).text
    r = await client.get(doc["url"])
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"]

    # The no-script path attaches the document to the draft itself.
    r = await client.post(
        "/app/documents",
        data={"_csrf_token": owner["csrf"], "application_id": app_id, "kind": "qualification"},
        files={"file": ("资质.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    stored = await api_get(client, owner["token"], app_id)
    assert [d["kind"] for d in stored["payload"]["documents"]] == ["plan", "qualification"]

    await sign_in(client, other["email"])
    assert (await client.get(doc["url"])).status_code == 404


# ------------------------------------------------------------------ the claim, deadlines


async def test_a_recognized_filing_is_claimed_from_the_pages(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock
) -> None:
    owner = await organizer(client)
    filing = await new_draft(client, owner["csrf"], "event_filing")
    await post(client, f"/app/applications/{filing}/autosave", owner["csrf"], FILING_FORM)
    dashboard = (await client.get("/app")).text
    assert "最迟备案日" in dashboard and "2026-04-11" in dashboard and "剩 40 天" in dashboard
    await attach(client, owner["csrf"], filing, "plan", "qualification")
    await post(client, f"/app/applications/{filing}/submit", owner["csrf"], {})
    reviewer, approver = await staff_tokens(client, pool, clock)
    # Returned for correction: to be fixed, with the reviewer's words, then submitted again.
    await ok(await decide(client, reviewer, filing, "return", comment="请补充场地租赁合同"))
    assert "待修改" in (await client.get("/app")).text
    page = (await client.get(f"/app/applications/{filing}")).text
    assert "请补充场地租赁合同" in page and "初审通过" not in page and "继续填写" in page
    assert (await client.get(f"/app/applications/{filing}/edit")).status_code == 200
    r = await post(client, f"/app/applications/{filing}/submit", owner["csrf"], {})
    assert r.status_code == 303
    await ok(await decide(client, reviewer, filing, "pass"))
    await ok(await decide(client, approver, filing, "approve"))
    assert "兑现申报截止" in (await client.get("/app")).text  # 2026-08-11, 90 days after the end

    clock.set_date(ENDS + dt.timedelta(days=7))
    owner["csrf"] = await sign_in(client, owner["email"])  # the session ended with the months
    start = (await client.get(f"/app/new/event_claim?filing_id={filing}")).text
    assert "2026 光谷人工智能大会" in start and f'value="{filing}" selected' in start
    claim = await new_draft(client, owner["csrf"], "event_claim", filing_id=filing)
    edit = (await client.get(f"/app/applications/{claim}/edit")).text
    assert "2026-05-14 – 2026-08-11" in edit and 'id="expense_lines"' in edit
    form = {
        "actual_attendance": "3500",
        "summary": "大会如期举办。",
        "expense_lines-0-category": "venue",
        "expense_lines-0-amount": "1000000.00",
        "expense_lines-0-invoice_numbers": "INV-101, INV-102",
        "expense_lines-1-category": "prizes",
        "expense_lines-1-amount": "1500000",
        "expense_lines-1-invoice_numbers": "INV-103",
    }
    r = await post(client, f"/app/applications/{claim}/autosave", owner["csrf"], form)
    assert "¥1,250,000.00" in r.text  # the amount requested, from the same calculator
    stored = await api_get(client, owner["token"], claim)
    assert stored["payload"]["expense_lines"][0]["invoice_numbers"] == ["INV-101", "INV-102"]
    # No payee yet: the review page names what is missing, next to a link to fix it.
    r = await post(client, f"/app/applications/{claim}/submit", owner["csrf"], {})
    assert r.status_code == 422 and "收款账户" in r.text
    form |= {"payee-account_name": "武汉会展科技有限公司", "payee-bank": "汉口银行"}
    form["payee-account_no"] = "6217000000000002"
    await post(client, f"/app/applications/{claim}/autosave", owner["csrf"], form)
    await attach(client, owner["csrf"], claim, "audit_report", "invoice")
    r = await post(client, f"/app/applications/{claim}/submit", owner["csrf"], {})
    assert r.status_code == 303
    page = (await client.get(f"/app/applications/{claim}")).text
    assert "已提交" in page and "¥2,500,000.00" in page
    # A second claim for the same filing is refused on the start page, in words.
    r = await post(client, "/app/new/event_claim", owner["csrf"], {"filing_id": filing})
    assert r.status_code == 409 and "已有正在办理的兑现申报" in r.text


# ------------------------------------------------------------------ inbox


async def test_inbox_marks_read_and_keeps_protected_preferences(
    client: AsyncTestClient, settings: Settings, clock: FrozenClock
) -> None:
    owner = await organizer(client)
    app_id = await new_draft(client, owner["csrf"], "event_filing")
    await post(client, f"/app/applications/{app_id}/autosave", owner["csrf"], FILING_FORM)
    await attach(client, owner["csrf"], app_id, "plan", "qualification")
    await post(client, f"/app/applications/{app_id}/submit", owner["csrf"], {})
    async with job_ctx(settings, clock) as ctx:
        await relay(ctx)
    inbox = (await client.get("/app/inbox")).text
    assert 'class="count"' in inbox and "全部标为已读" in inbox
    note_id = re.search(r'action="/app/inbox/([0-9a-f-]{36})/read"', inbox)
    assert note_id
    r = await post(client, f"/app/inbox/{note_id.group(1)}/read", owner["csrf"], {})
    assert r.status_code == 303
    inbox = (await client.get("/app/inbox")).text
    assert '/read"' not in inbox and "已标为已读" not in inbox

    # Preferences: every checkbox sent is kept on, every one missing turned off, except the
    # decisions on one's own applications, which stay on and cannot be touched.
    assert 'name="application.reject:inbox" value="on" checked disabled' in inbox
    r = await post(
        client, "/app/inbox/preferences", owner["csrf"], {"application.submit:inbox": "on"}
    )
    assert r.status_code == 303
    prefs = (
        await client.get("/api/v1/notifications/preferences", headers=bearer(owner["token"]))
    ).json()
    state = {(p["topic"], p["channel"]): p["enabled"] for p in prefs["items"]}
    assert state[("application.submit", "inbox")] is True
    assert state[("application.submit", "email")] is False
    assert state[("application.reject", "email")] is True


# ------------------------------------------------------------------ language


async def test_english_pages_and_every_word_defined(client: AsyncTestClient) -> None:
    owner = await organizer(client)
    app_id = await new_draft(client, owner["csrf"], "scenario_project")
    await client.get("/lang/en?next=/app")
    assert "My applications" in (await client.get("/app")).text
    edit = (await client.get(f"/app/applications/{app_id}/edit")).text
    assert "Investment lines" in edit and "Add a line" in edit and "Smart manufacturing" in edit
    # The applicant's words never shadow one defined before them.
    assert {k for k, v in i18n._APPLICANT.items() if i18n.MESSAGES[k] != v} == set()


async def test_the_dashboard_pages_by_keyset(client: AsyncTestClient, monkeypatch: Any) -> None:
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    owner = await organizer(client)
    made = [await new_draft(client, owner["csrf"], "unveiling_award") for _ in range(3)]
    first = (await client.get("/app")).text
    more = re.search(r'href="(/app\?cursor=[^"]+)" rel="next"', first)
    assert more
    second = (await client.get(more.group(1).replace("&amp;", "&"))).text
    assert 'rel="next"' not in second and "第一页" in second
    on_first = {x for x in made if x in first}
    on_second = {x for x in made if x in second}
    assert len(on_first) == 2 and len(on_second) == 1 and on_first | on_second == set(made)


async def test_listing_reward_form_stages_and_payee(client: AsyncTestClient) -> None:
    owner = await organizer(client)
    app_id = await new_draft(client, owner["csrf"], "ipo_domestic_claim")
    r = await client.post(
        f"/app/applications/{app_id}/autosave",
        data={
            "_csrf_token": owner["csrf"],
            "exchange": "SZSE",
            "stock_code": "301234",
            "stages": ["tutoring", "accepted"],
            "stage_dates-tutoring": "2025-06-30",
            "stage_dates-accepted": "2025/12/01",
            "payee-account_name": "武汉页面测试科技有限公司",
        },
    )
    errors = re.search(r"data-errors='([^']*)'", r.text)
    # 2025/12/01 is no date: said beside that stage's date
    assert errors and '"stage_dates.accepted"' in errors.group(1), r.text
    edit = (await client.get(f"/app/applications/{app_id}/edit")).text
    assert 'id="err-stage_dates-accepted"' in edit
    stored = await api_get(client, owner["token"], app_id)
    assert stored["payload"]["exchange"] == "SZSE" and stored["payload"]["stages"] == [
        "tutoring",
        "accepted",
    ]
    r = await client.post(
        f"/app/applications/{app_id}/autosave",
        data={
            "_csrf_token": owner["csrf"],
            "exchange": "SZSE",
            "stages": ["tutoring"],
            "stage_dates-tutoring": "2025-06-30",
            "payee-account_name": "武汉页面测试科技有限公司",
        },
    )
    errors = re.search(r"data-errors='([^']*)'", r.text)
    assert errors and "payee.bank" in errors.group(1)  # a half-filled account, named where
    assert "收款账户 开户银行" in r.text
    stored = await api_get(client, owner["token"], app_id)
    assert stored["payload"]["stage_dates"] == {"tutoring": "2025-06-30"}
    assert "¥2,000,000.00" in (await client.get(f"/app/applications/{app_id}/review")).text
