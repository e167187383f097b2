"""The console's end of the money flow: objections examined and resolved on their pages, and
finance's payment run (the due list, a picked or uploaded batch, its preview, its recording)."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import register, token
from tests.portal.flows import PAYEE, lodge_objection, ok, publicized_claim
from tests.portal.test_payments import confirmed
from tests.web.test_console_pages import error_near, make_staff, post_form, sign_in
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
