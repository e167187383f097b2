"""Every claim that pays names its payee; finance pays confirmed awards from the due list, one at a
time or in batches recorded whole or not at all."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer
from tests.portal.conftest import StaffFactory, concurrently
from tests.portal.flows import (
    PAYEE,
    approved_claim,
    claim_body,
    create,
    lodge_objection,
    ok,
    publicized_claim,
    recognized_filing,
    submit,
)
from tests.xlsx import read_xlsx
from workers.scheduled import close_publicity

DUE = "/api/v1/admin/payments/due"
BATCHES = "/api/v1/admin/payment-batches"
AWARD = "1700000.00"


async def confirmed(
    client: AsyncTestClient, clock: FrozenClock, team: dict[str, Any], pool: asyncpg.Pool, n: int
) -> list[dict[str, Any]]:
    """n claims of 1,700,000.00 each, through publicity to confirmed."""
    claims = []
    for i in range(n):
        clock.set_date(dt.date(2026, 3, 2))  # each event filed in time
        claims.append(
            await publicized_claim(client, clock, team, allocated="20000000.00", title=f"大赛 {i}")
        )
    ends = max(dt.date.fromisoformat(c["batch"]["ends_on"]) for c in claims)
    clock.set_date(ends + dt.timedelta(days=1))
    assert await close_publicity({"pool": pool, "clock": clock}) == n
    return claims


def item(claim: dict[str, Any], clock: FrozenClock, **over: Any) -> dict[str, Any]:
    return {
        "application_id": claim["id"],
        "amount": AWARD,
        "paid_on": clock.today().isoformat(),
        "reference": f"BK-{claim['reference']}",
    } | over


async def spent(client: AsyncTestClient, admin: str) -> str:
    budgets = await ok(await client.get("/api/v1/admin/budgets?year=2026", headers=bearer(admin)))
    return str({b["program"]: b["spent"] for b in budgets["items"]}["event-support"])


async def test_a_claim_that_pays_names_its_payee_at_submit(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    a = team["applicant"]
    filing = await recognized_filing(client, a, team["reviewer"], team["approver"])
    clock.set_date(dt.date(2026, 5, 20))
    body = claim_body(filing["id"])
    del body["payee"]
    claim = await create(client, a, body)
    r = await submit(client, a, claim["id"])
    assert r.status_code == 422
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("payee", "required")]

    # An account on file is copied in at submit; changing it later leaves the claim as it was.
    org_id = team["org"]["org"]["id"]
    on_file = {
        "account_name": "武汉智会科技有限公司",
        "bank": "汉口银行",
        "account_no": "1234567890123",
    }
    await pool.execute("UPDATE organizations SET bank_account = $2 WHERE id = $1", org_id, on_file)
    got = await ok(await submit(client, a, claim["id"]))
    assert got["payload"]["payee"] == on_file
    await pool.execute(
        "UPDATE organizations SET bank_account = $2 WHERE id = $1",
        org_id,
        on_file | {"account_no": "999999999999"},
    )
    seen = await ok(await client.get(f"/api/v1/applications/{claim['id']}", headers=bearer(a)))
    assert seen["payload"]["payee"] == on_file


async def test_a_scenario_project_names_its_payee_too(
    client: AsyncTestClient, team: dict[str, Any]
) -> None:
    from tests.portal.test_scenario_unveiling import project

    await ok(
        await client.put(
            "/api/v1/admin/calls/scenario-project/2026",
            json={"opens_on": "2026-01-01", "closes_on": "2026-12-31"},
            headers=bearer(team["admin"]),
        )
    )
    body = project("工业质检大模型示范")
    del body["payee"]
    draft = await create(client, team["applicant"], body)
    r = await submit(client, team["applicant"], draft["id"])
    assert r.status_code == 422 and "payee" in [e["field"] for e in r.json()["errors"]]
    await ok(
        await client.patch(
            f"/api/v1/applications/{draft['id']}",
            json={"payee": PAYEE},
            headers=bearer(team["applicant"]),
        )
    )
    assert (await ok(await submit(client, team["applicant"], draft["id"])))["status"] == "submitted"


async def test_the_due_list_shows_confirmed_unpaid_awards_with_their_payee(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    [claim] = await confirmed(client, clock, team, pool, 1)
    for role in ("finance", "auditor"):
        due = await ok(await client.get(DUE, headers=bearer(team[role])))
        assert [(d["application_id"], d["amount"], d["payee"]) for d in due["items"]] == [
            (claim["id"], AWARD, PAYEE)
        ]
    d = due["items"][0]
    assert d["reference"] == claim["reference"] and d["org_name"] == "武汉智会科技有限公司"
    assert d["program_code"] == "event-support" and d["budget_year"] == 2026
    for role in ("reviewer", "approver", "admin", "applicant"):
        r = await client.get(DUE, headers=bearer(team[role]))
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), role
    other = await ok(
        await client.get(DUE, params={"program": "ipo-domestic"}, headers=bearer(team["finance"]))
    )
    assert other["items"] == []

    # The workbook: the account number as text, the amount exact, and no formula anywhere.
    await pool.execute("UPDATE organizations SET name = '=HYPERLINK(\"http://x\")'")
    r = await client.get(f"{DUE}.xlsx", headers=bearer(team["finance"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    [sheet] = read_xlsx(r.content)
    rows = sheet.rows
    assert sheet.formulas == 0
    assert rows[0][:5] == ["申请编号", "收款户名", "开户银行", "银行账号", "金额(元)"]
    assert rows[1][:5] == [
        claim["reference"],
        PAYEE["account_name"],
        PAYEE["bank"],
        PAYEE["account_no"],
        "1700000.00",
    ]
    assert rows[1][7] == '\'=HYPERLINK("http://x")'
    assert rows[2][3:5] == ["合计", "1700000.00"]
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM audit_events WHERE entity_id = 'payments_due.xlsx'"
        )
        == 1
    )


async def test_a_batch_pays_every_item_in_one_transaction(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    claims = await confirmed(client, clock, team, pool, 2)
    body = {"items": [item(c, clock) for c in claims]}
    r = await client.post(BATCHES, json=body, headers=bearer(team["finance"]))
    batch = await ok(r, 201)
    assert set(batch) == {"id", "count", "total"}
    assert (batch["count"], batch["total"]) == (2, "3400000.00")
    for c in claims:
        got = await ok(
            await client.get(f"/api/v1/applications/{c['id']}", headers=bearer(team["applicant"]))
        )
        assert got["status"] == "disbursed"
        assert got["payment"] == {
            "paid_on": clock.today().isoformat(),
            "amount": AWARD,
            "reference": f"BK-{c['reference']}",
        }
    assert await spent(client, team["admin"]) == "3400000.00"
    assert (await ok(await client.get(DUE, headers=bearer(team["finance"]))))["items"] == []
    recorded = await pool.fetchrow(
        "SELECT data FROM audit_events WHERE action = 'payment_batch.recorded'"
    )
    assert [i["application_id"] for i in recorded["data"]["items"]] == sorted(
        c["id"] for c in claims
    )
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE topic = 'application.disburse'") == 2
    )
    r = await client.post(BATCHES, json=body, headers=bearer(team["finance"]))
    assert r.status_code == 422
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("items[0]", "already_disbursed"),
        ("items[1]", "already_disbursed"),
    ]


async def test_a_batch_with_one_bad_item_writes_nothing_and_names_each(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    good, held, short = await confirmed(client, clock, team, pool, 3)
    # `held`: an award an objection holds (publicized again, objected to).
    await pool.execute("UPDATE applications SET status = 'publicized' WHERE id = $1", held["id"])
    await pool.execute(
        "INSERT INTO objections (application_id, batch_id, reason, contact, created_at)"
        " VALUES ($1, $2, '异议', '139', now())",
        held["id"],
        held["batch"]["id"],
    )
    before = (
        await spent(client, team["admin"]),
        await pool.fetchval("SELECT count(*) FROM outbox"),
    )
    items = [
        item(good, clock),
        item(held, clock),
        item(short, clock, amount="1699999.99"),
        item(good, clock),
        item(good, clock, application_id="0190a4a5-0000-7000-8000-000000000000"),
        item(short, clock, paid_on=(clock.today() + dt.timedelta(days=1)).isoformat()),
    ]
    r = await client.post(BATCHES, json={"items": items}, headers=bearer(team["finance"]))
    assert (r.status_code, r.json()["code"]) == (422, "batch_refused")
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("items[1]", "objection_open"),
        ("items[2]", "amount_mismatch"),
        ("items[3]", "duplicate_item"),
        ("items[4]", "not_found"),
        ("items[5]", "invalid_input"),
    ]
    assert await pool.fetchval("SELECT count(*) FROM disbursements") == 0
    assert await pool.fetchval("SELECT count(*) FROM payment_batches") == 0
    assert (
        await spent(client, team["admin"]),
        await pool.fetchval("SELECT count(*) FROM outbox"),
    ) == before
    r = await client.post(BATCHES, json={"items": []}, headers=bearer(team["finance"]))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    for role in ("reviewer", "approver", "admin", "auditor", "applicant"):
        r = await client.post(
            BATCHES, json={"items": [item(good, clock)]}, headers=bearer(team[role])
        )
        assert r.status_code == 403, role


@pytest.mark.parametrize("rounds", range(3))
async def test_a_batch_racing_a_single_payment_pays_once(
    client: AsyncTestClient,
    team: dict[str, Any],
    clock: FrozenClock,
    pool: asyncpg.Pool,
    rounds: int,
) -> None:
    claims = await confirmed(client, clock, team, pool, 2)
    fin = bearer(team["finance"])
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": BATCHES,
                "json": {"items": [item(c, clock) for c in claims]},
                "headers": fin,
            },
            {
                "method": "POST",
                "url": f"/api/v1/admin/applications/{claims[1]['id']}/disbursements",
                "json": {k: v for k, v in item(claims[1], clock).items() if k != "application_id"},
                "headers": fin,
            },
        ],
    )
    batch, single = responses
    assert sorted([batch.status_code, single.status_code]) in ([201, 409], [201, 422])
    if batch.status_code == 201:
        assert single.json()["code"] == "already_disbursed"
        assert await spent(client, team["admin"]) == "3400000.00"
    else:
        assert [(e["field"], e["code"]) for e in batch.json()["errors"]] == [
            ("items[1]", "already_disbursed")
        ]
        assert await spent(client, team["admin"]) == AWARD
    rows = await pool.fetch("SELECT application_id FROM disbursements")
    assert len(rows) == len({r["application_id"] for r in rows})


async def test_the_whole_money_path_objection_then_batch(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    """Publicity, an objection, payment refused, the objection dismissed, confirmed, paid."""
    claim = await publicized_claim(client, clock, team)
    objection = await ok(await lodge_objection(client, claim["id"]), 201)
    clock.set_date(dt.date.fromisoformat(claim["batch"]["ends_on"]) + dt.timedelta(days=1))
    assert await close_publicity({"pool": pool, "clock": clock}) == 0
    body = {"items": [item(claim, clock)]}
    r = await client.post(BATCHES, json=body, headers=bearer(team["finance"]))
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("items[0]", "objection_open")]
    assert (await ok(await client.get(DUE, headers=bearer(team["finance"]))))["items"] == []
    await ok(
        await client.post(
            f"/api/v1/admin/objections/{objection['id']}/resolution",
            json={"outcome": "dismissed", "comment": "经核实不属实"},
            headers=bearer(team["approver"]),
        )
    )
    due = await ok(await client.get(DUE, headers=bearer(team["finance"])))
    assert [d["application_id"] for d in due["items"]] == [claim["id"]]
    await ok(await client.post(BATCHES, json=body, headers=bearer(team["finance"])), 201)
    app = await ok(
        await client.get(f"/api/v1/applications/{claim['id']}", headers=bearer(team["applicant"]))
    )
    assert app["status"] == "disbursed"
    assert [h["action"] for h in app["history"]][-5:] == [
        "publicize",
        "objection_lodged",
        "objection_dismissed",
        "confirm",
        "disburse",
    ]
    assert await spent(client, team["admin"]) == AWARD
    from sql import audit

    async with pool.acquire() as conn:
        assert (await audit.verify(conn)).ok


async def test_a_single_payment_follows_the_same_rules(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    [claim] = await confirmed(client, clock, team, pool, 1)
    url = f"/api/v1/admin/applications/{claim['id']}/disbursements"
    body = {k: v for k, v in item(claim, clock).items() if k != "application_id"}
    r = await client.post(url, json=body | {"amount": "1.00"}, headers=bearer(team["finance"]))
    assert (r.status_code, r.json()["code"]) == (422, "amount_mismatch")
    await ok(await client.post(url, json=body, headers=bearer(team["finance"])), 201)
    r = await client.post(url, json=body, headers=bearer(team["finance"]))
    assert (r.status_code, r.json()["code"]) == (409, "already_disbursed")


async def test_an_approved_award_not_yet_in_publicity_cannot_be_paid(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock
) -> None:
    await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "5000000.00"},
        headers=bearer(team["admin"]),
    )
    filing = await recognized_filing(client, team["applicant"], team["reviewer"], team["approver"])
    claim = await approved_claim(
        client, clock, team["applicant"], team["reviewer"], team["approver"], filing["id"]
    )
    r = await client.post(
        BATCHES, json={"items": [item(claim, clock)]}, headers=bearer(team["finance"])
    )
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("items[0]", "invalid_transition")
    ]


async def test_finance_sees_the_payee_in_both_exports(
    client: AsyncTestClient, team: dict[str, Any], clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    [claim] = await confirmed(client, clock, team, pool, 1)
    fin = bearer(team["finance"])
    r = await client.get("/api/v1/admin/exports/applications.csv", headers=fin)
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    [row] = [x for x in rows if x["id"] == claim["id"]]
    assert (row["payee_account_name"], row["payee_bank"], row["payee_account_no"]) == (
        PAYEE["account_name"],
        PAYEE["bank"],
        PAYEE["account_no"],
    )
    [sheet] = read_xlsx(
        (await client.get("/api/v1/admin/exports/applications.xlsx", headers=fin)).content
    )
    head = sheet.rows[0]
    [line] = [x for x in sheet.rows[1:] if x[head.index("id")] == claim["id"]]
    assert line[head.index("payee_account_no")] == PAYEE["account_no"]


async def test_a_districts_finance_pays_nothing_the_city_pays(
    client: AsyncTestClient,
    team: dict[str, Any],
    staff: StaffFactory,
    clock: FrozenClock,
    pool: asyncpg.Pool,
) -> None:
    claims = await confirmed(client, clock, team, pool, 2)
    district = await pool.fetchval(
        "SELECT district_code FROM applications WHERE id = $1::uuid", claims[0]["id"]
    )
    local = await staff("finance", districts=(district,))
    due = await ok(await client.get(DUE, headers=bearer(local)))
    assert {i["application_id"] for i in due["items"]} == {c["id"] for c in claims}  # theirs
    r = await client.post(
        f"/api/v1/admin/applications/{claims[0]['id']}/disbursements",
        json={k: v for k, v in item(claims[0], clock).items() if k != "application_id"},
        headers=bearer(local),
    )
    assert (r.status_code, r.json()["code"]) == (403, "city_decides")
    body = {"items": [item(c, clock) for c in claims]}
    r = await client.post(BATCHES, json=body, headers=bearer(local))
    assert (r.status_code, r.json()["code"]) == (403, "city_decides")
    assert "此环节由市级办理" in r.json()["detail"]
    assert await pool.fetchval("SELECT count(*) FROM disbursements") == 0
    assert await pool.fetchval("SELECT count(*) FROM payment_batches") == 0
    assert await spent(client, team["admin"]) == "0.00"
    for c in claims:
        got = await ok(
            await client.get(f"/api/v1/applications/{c['id']}", headers=bearer(team["applicant"]))
        )
        assert got["status"] == "confirmed"

    batch = await ok(await client.post(BATCHES, json=body, headers=bearer(team["finance"])), 201)
    assert (batch["count"], batch["total"]) == (2, "3400000.00")
    assert await spent(client, team["admin"]) == "3400000.00"
