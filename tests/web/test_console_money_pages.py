"""The console's end of the money flow: objections examined and resolved on their pages, the
payee finance pays, finance's payment run (the due list, a picked or uploaded batch, its preview,
its recording), and money won back (a recovery and its repayments) as both sides' pages show it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, register, token
from tests.portal.flows import PAYEE, lodge_objection, ok, publicized_claim
from tests.portal.test_payments import confirmed
from tests.portal.test_recoveries import paid_award
from tests.web.test_console_pages import (
    error_near,
    make_staff,
    post_form,
    sign_in,
    sign_in_applicant,
)
from tests.xlsx import read_xlsx


@pytest.fixture
async def people(client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock) -> dict[str, Any]:
    """Staff e-mails (to sign in to the console) and the same people's bearer tokens."""
    org = await register(client, name="武汉智会科技有限公司")
    emails = {
        r: await make_staff(pool, clock, r)
        for r in ("reviewer", "approver", "finance", "admin", "auditor")
    }
    team: dict[str, Any] = {"applicant": org["token"], "org": org}
    team |= {r: await token(client, e) for r, e in emails.items()}
    return {"emails": emails, "team": team}


async def test_an_approver_examines_and_dismisses_an_objection(
    client: AsyncTestClient, clock: FrozenClock, people: dict[str, Any]
) -> None:
    claim = await publicized_claim(client, clock, people["team"])
    await ok(await lodge_objection(client, claim["id"], "获奖名单与实际不符"), 201)

    await sign_in(client, people["emails"]["reviewer"])
    listed = (await client.get("/console/objections")).text
    assert "获奖名单与实际不符" in listed and "13900000000" in listed and "待处理" in listed
    page = (await client.get(f"/console/applications/{claim['id']}")).text
    assert "获奖名单与实际不符" in page and 'class="resolve"' not in page  # reviewers read only

    csrf = await sign_in(client, people["emails"]["approver"])
    page = (await client.get(f"/console/applications/{claim['id']}")).text
    assert 'class="resolve"' in page
    objection_id = page.split('action="/console/objections/')[1].split("/resolution")[0]
    url = f"/console/objections/{objection_id}/resolution"
    r = await post_form(client, url, csrf, {"outcome": "dismissed", "comment": ""})
    assert r.status_code == 422
    assert "请检查" in error_near(r.text, f"err-resolve-{objection_id}-comment")
    r = await post_form(client, url, csrf, {"outcome": "dismissed", "comment": "经核实,名单一致"})
    assert r.status_code == 303
    page = (await client.get(r.headers["location"])).text
    assert "异议已处理" in page and "经核实,名单一致" in page and 'class="resolve"' not in page
    assert "获奖名单与实际不符" in (await client.get("/console/objections?status=dismissed")).text
    assert "获奖名单与实际不符" not in (await client.get("/console/objections")).text


async def test_finance_pays_a_batch_picked_from_the_due_list(
    client: AsyncTestClient, clock: FrozenClock, pool: asyncpg.Pool, people: dict[str, Any]
) -> None:
    first, second = await confirmed(client, clock, people["team"], pool, 2)
    csrf = await sign_in(client, people["emails"]["finance"])
    page = (await client.get("/console/payments")).text
    assert first["reference"] in page and second["reference"] in page
    assert PAYEE["account_no"] in page and "¥1,700,000.00" in page

    picked = {
        "pick_id": [first["id"], second["id"]],
        f"pick_amount_{first['id']}": "1700000.00",
        f"pick_amount_{second['id']}": "1700000.00",
        f"pick_reference_{first['id']}": "BK-0001",
        f"pick_reference_{second['id']}": "BK-0002",
        "paid_on": clock.today().isoformat(),
    }
    # A wrong amount is named on its row, and nothing can be confirmed.
    wrong = picked | {f"pick_amount_{second['id']}": "1.00"}
    r = await post_form(client, "/console/payments/preview", csrf, wrong)
    assert r.status_code == 422 and 'id="batch-refused"' in r.text
    assert "拨付金额须与核定金额" in r.text.split('id="row-2"')[1] and "confirm-batch" not in r.text

    r = await post_form(client, "/console/payments/preview", csrf, picked)
    assert r.status_code == 200 and 'id="batch-ok"' in r.text and "¥3,400,000.00" in r.text
    hidden = {
        "item_id": [first["id"], second["id"]],
        **{
            f"item_{k}_{c['id']}": v
            for c, ref in ((first, "BK-0001"), (second, "BK-0002"))
            for k, v in (
                ("amount", "1700000.00"),
                ("paid_on", clock.today().isoformat()),
                ("reference", ref),
            )
        },
    }
    r = await post_form(client, "/console/payments/batches", csrf, hidden)
    assert r.status_code == 303
    page = (await client.get(r.headers["location"])).text
    assert "拨付批次已登记" in page and "¥3,400,000.00" in page and 'id="nothing-due"' in page
    assert await pool.fetchval("SELECT count(*) FROM disbursements WHERE batch_id IS NOT NULL") == 2
    # Sent again (a second click): refused whole, shown with why.
    r = await post_form(client, "/console/payments/batches", csrf, hidden)
    assert r.status_code == 422 and "该奖补已拨付" in r.text


async def test_finance_pays_from_the_banks_returned_file(
    client: AsyncTestClient, clock: FrozenClock, pool: asyncpg.Pool, people: dict[str, Any]
) -> None:
    [claim] = await confirmed(client, clock, people["team"], pool, 1)
    csrf = await sign_in(client, people["emails"]["finance"])
    day = clock.today().isoformat()
    rows = f"application reference,amount,paid_on,bank reference\n{claim['reference']},1700000.00,{day},BK-9\n"
    r = await client.post(
        "/console/payments/preview",
        data={"_csrf_token": csrf},
        files={"file": ("回单.csv", (rows + f"WHAI-EC-2026-9999,1.00,{day},BK-10\n").encode())},
    )
    assert r.status_code == 422 and "未找到该申请" in r.text.split('id="row-2"')[1]
    r = await client.post(
        "/console/payments/preview",
        data={"_csrf_token": csrf},
        files={"file": ("回单.csv", rows.encode("gb18030"))},
    )
    assert r.status_code == 200 and 'id="batch-ok"' in r.text and "BK-9" in r.text
    r = await client.post(
        "/console/payments/preview",
        data={"_csrf_token": csrf},
        files={"file": ("回单.csv", b"only,three,columns\n")},
    )
    assert r.status_code == 422 and "每行须为四列" in r.text


async def test_who_sees_the_payment_run(
    client: AsyncTestClient, clock: FrozenClock, pool: asyncpg.Pool, people: dict[str, Any]
) -> None:
    await confirmed(client, clock, people["team"], pool, 1)
    await sign_in(client, people["emails"]["auditor"])
    page = await client.get("/console/payments")
    assert page.status_code == 200 and "pick_id" not in page.text  # reads, never pays
    book = await client.get("/console/payments/due.xlsx")
    assert book.status_code == 200
    assert read_xlsx(book.content)[0].rows[1][3] == PAYEE["account_no"]
    await sign_in(client, people["emails"]["reviewer"])
    assert (await client.get("/console/payments")).status_code == 403
    assert 'href="/console/payments"' not in (await client.get("/console")).text


def section(page: str, heading_id: str) -> str:
    """The text of the page's section whose heading has this id."""
    assert f'id="{heading_id}"' in page, f"no #{heading_id} in the page"
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def outstanding(page: str) -> str:
    return page.split('id="recovery-outstanding"', 1)[1].split("</strong>", 1)[0]


async def test_finance_reads_the_payee_on_the_claims_page(
    client: AsyncTestClient, clock: FrozenClock, pool: asyncpg.Pool, people: dict[str, Any]
) -> None:
    [claim] = await confirmed(client, clock, people["team"], pool, 1)
    await sign_in(client, people["emails"]["finance"])
    page = await client.get(f"/console/applications/{claim['id']}")
    assert page.status_code == 200
    content = section(page.text, "payload-h")
    assert "收款账户" in content
    for value in (PAYEE["account_name"], PAYEE["bank"], PAYEE["account_no"]):
        assert value in content, value


async def test_a_recovery_and_its_repayments_on_both_sides_pages(
    client: AsyncTestClient, clock: FrozenClock, people: dict[str, Any]
) -> None:
    app_id = await paid_award(client, people["team"], clock)
    url = f"/console/applications/{app_id}"
    due_on = (clock.today() + dt.timedelta(days=60)).isoformat()
    csrf = await sign_in(client, people["emails"]["finance"])
    assert 'id="form-recovery"' in (await client.get(url)).text

    # Refused with why, next to the amount, and nothing recorded.
    for amount, said in (
        ("abc", "金额应为以元为单位的数字"),
        ("6000000.01", "追回金额不能超过已拨付金额"),
    ):
        r = await post_form(
            client, f"{url}/recovery", csrf, {"amount": amount, "due_on": due_on, "reason": "x"}
        )
        assert r.status_code == 422, amount
        assert 'id="failed-banner"' in r.text and said in error_near(r.text, "err-recovery-amount")
        assert 'id="recovery"' not in r.text
    r = await post_form(
        client,
        f"{url}/recovery",
        csrf,
        {"amount": "1500000.00", "due_on": due_on, "reason": "2027年度在汉投资比例70%"},
    )
    assert r.status_code == 303
    page = (await client.get(r.headers["location"])).text
    assert "资金追回已登记" in page and 'id="form-recovery"' not in page
    owed = page.split('id="recovery"', 1)[1].split("</dl>", 1)[0]
    assert "¥1,500,000.00" in owed and "2027年度在汉投资比例70%" in owed
    assert "¥1,500,000.00" in outstanding(page)

    today = clock.today().isoformat()
    r = await post_form(
        client,
        f"{url}/repayments",
        csrf,
        {"amount": "1500000.01", "paid_on": today, "reference": "R-1"},
    )
    assert r.status_code == 422 and 'id="failed-banner"' in r.text
    assert "尚欠金额仅为1500000.00元" in error_near(r.text, "err-repayment-amount")
    r = await post_form(
        client,
        f"{url}/repayments",
        csrf,
        {"amount": "1000000.00", "paid_on": today, "reference": "R-1"},
    )
    assert r.status_code == 303
    page = (await client.get(r.headers["location"])).text
    assert "还款已登记" in page
    assert "¥500,000.00" in outstanding(page)
    owed = page.split('id="recovery"', 1)[1].split("</dl>", 1)[0]
    assert "¥1,000,000.00" in owed and "R-1" in page

    # The firm reads the same on its own page.
    await sign_in_applicant(client, people["team"]["org"]["user"]["email"])
    mine = await client.get(f"/app/applications/{app_id}")
    assert mine.status_code == 200
    owed = mine.text.split('id="recovery"', 1)[1].split("</dl>", 1)[0]
    assert "¥1,500,000.00" in owed and "¥1,000,000.00" in owed and "¥500,000.00" in owed


async def test_the_firm_reads_why_an_objection_was_dismissed(
    client: AsyncTestClient, clock: FrozenClock, people: dict[str, Any]
) -> None:
    claim = await publicized_claim(client, clock, people["team"])
    lodged = await ok(await lodge_objection(client, claim["id"], "获奖名单与实际不符"), 201)
    await ok(
        await client.post(
            f"/api/v1/admin/objections/{lodged['id']}/resolution",
            json={"outcome": "dismissed", "comment": "经核实,获奖名单一致"},
            headers=bearer(people["team"]["approver"]),
        )
    )
    await sign_in_applicant(client, people["team"]["org"]["user"]["email"])
    mine = await client.get(f"/app/applications/{claim['id']}")
    assert mine.status_code == 200
    assert "经核实,获奖名单一致" in section(mine.text, "timeline-h")
    assert "13900000000" not in mine.text  # the objector's contact is staff's only

    await sign_in(client, people["emails"]["reviewer"])
    timeline = section(
        (await client.get(f"/console/applications/{claim['id']}")).text, "timeline-h"
    )
    assert "收到异议" in timeline and "异议不予采纳" in timeline
    assert "经核实,获奖名单一致" in timeline
