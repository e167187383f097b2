"""What must hold under races, raced through HTTP: budgets, payments, references, idempotency.

The many applications a race needs are seeded straight into the database in the state the race
starts from (recognized filings, reviewed claims); the race itself goes through the API.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory, concurrently
from tests.portal.flows import ENDS, STARTS, filing_body

DECISION = {"action": "approve", "comment": "同意", "declare_no_conflict": True}


async def _user_id(client: AsyncTestClient, token: str) -> uuid.UUID:
    return uuid.UUID((await client.get("/api/v1/me", headers=bearer(token))).json()["user"]["id"])


async def _seed(
    pool: asyncpg.Pool,
    org_id: str,
    user_id: uuid.UUID,
    passed_by: uuid.UUID,
    n: int,
    *,
    filing_status: str,
    claims: bool,
    now: dt.datetime,
) -> list[uuid.UUID]:
    payload = {k: v for k, v in filing_body().items() if k not in ("type", "budget_lines")}
    out = []
    async with pool.acquire() as conn, conn.transaction():
        for _ in range(n):
            filing = await conn.fetchval(
                """INSERT INTO applications (org_id, type, status, program_code, program_version, title, payload,
                       passed_by, created_by, created_at, updated_at)
                   VALUES ($1, 'event_filing', $2, 'event-support', 1, 'race', $3, $4, $5, $6, $6) RETURNING id""",
                uuid.UUID(org_id),
                filing_status,
                payload,
                passed_by,
                user_id,
                now,
            )
            await conn.execute(
                """INSERT INTO application_lines (application_id, line_no, kind, category, description, amount_fen)
                   VALUES ($1, 0, 'budget', 'venue', 'x', 20000000)""",
                filing,
            )
            if not claims:
                out.append(filing)
                continue
            claim = await conn.fetchval(
                """INSERT INTO applications (org_id, type, status, program_code, program_version, title, payload,
                       filing_id, passed_by, created_by, created_at, updated_at, amount_requested_fen)
                   VALUES ($1, 'event_claim', 'reviewed', 'event-support', 1, 'race', $2, $3, $4, $5, $6, $6, 10000000)
                   RETURNING id""",
                uuid.UUID(org_id),
                {"actual_attendance": 10, "summary": "ok"},
                filing,
                passed_by,
                user_id,
                now,
            )
            await conn.execute(
                """INSERT INTO application_lines (application_id, line_no, kind, category, description, amount_fen,
                       invoice_numbers) VALUES ($1, 0, 'expense', 'venue', 'x', 20000000, ARRAY[$2])""",
                claim,
                f"INV-{claim}",
            )
            out.append(claim)
    return out


@pytest.fixture
async def cast_(client: AsyncTestClient, staff: StaffFactory) -> dict[str, Any]:
    org = await register(client)
    reviewer, approver = await staff("reviewer"), await staff("approver")
    return {
        "org": org,
        "reviewer": reviewer,
        "approver": approver,
        "admin": await staff("admin"),
        "finance": await staff("finance"),
        "org_user": await _user_id(client, org["token"]),
        "reviewer_id": await _user_id(client, reviewer),
    }


async def test_100_approvals_against_a_budget_for_10(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock, cast_: dict[str, Any]
) -> None:
    clock.set_date(ENDS + dt.timedelta(days=5))
    # Ten awards of 100,000.00 fit exactly.
    await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "1000000.00"},
        headers=bearer(cast_["admin"]),
    )
    claims = await _seed(
        pool,
        cast_["org"]["org"]["id"],
        cast_["org_user"],
        cast_["reviewer_id"],
        100,
        filing_status="recognized",
        claims=True,
        now=clock.now(),
    )
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": f"/api/v1/admin/applications/{c}/decisions",
                "json": DECISION,
                "headers": bearer(cast_["approver"]),
            }
            for c in claims
        ],
    )
    codes = sorted(
        (r.status_code, r.json().get("code") if r.status_code != 200 else "ok") for r in responses
    )
    assert codes.count((200, "ok")) == 10, codes
    assert codes.count((409, "budget_exhausted")) == 90, codes
    reserved, approved_sum, n = await pool.fetchrow(
        """SELECT b.reserved_fen, (SELECT sum(amount_approved_fen) FROM applications WHERE status = 'approved'),
                  (SELECT count(*) FROM applications WHERE status = 'approved')
           FROM budgets b WHERE program_code = 'event-support' AND year = 2026"""
    )
    assert (reserved, approved_sum, n) == (100_000_000, 100_000_000, 10)
    refs = [
        r["reference"]
        for r in await pool.fetch(
            "SELECT reference FROM applications WHERE reference IS NOT NULL ORDER BY reference"
        )
    ]
    assert refs == [
        f"WHAI-EC-2026-{i:04d}" for i in range(1, 11)
    ]  # refused approvals gave their numbers back


async def test_50_disbursements_of_one_award_pay_once(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock, cast_: dict[str, Any]
) -> None:
    clock.set_date(ENDS + dt.timedelta(days=5))
    await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "1000000.00"},
        headers=bearer(cast_["admin"]),
    )
    [claim] = await _seed(
        pool,
        cast_["org"]["org"]["id"],
        cast_["org_user"],
        cast_["reviewer_id"],
        1,
        filing_status="recognized",
        claims=True,
        now=clock.now(),
    )
    r = await client.post(
        f"/api/v1/admin/applications/{claim}/decisions",
        json=DECISION,
        headers=bearer(cast_["approver"]),
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        "/api/v1/admin/publicity-batches",
        json={"application_ids": [str(claim)], "starts_on": clock.today().isoformat()},
        headers=bearer(cast_["admin"]),
    )
    assert r.status_code == 201
    clock.set_date(clock.today() + dt.timedelta(days=14))
    pay = {"paid_on": clock.today().isoformat(), "amount": "100000.00", "reference": "国库集中支付"}
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": f"/api/v1/admin/applications/{claim}/disbursements",
                "json": pay,
                "headers": bearer(cast_["finance"]),
            }
        ]
        * 50,
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 49, [
        r.text for r in responses if r.status_code not in (201, 409)
    ]
    assert all(r.json()["code"] == "already_disbursed" for r in responses if r.status_code == 409)
    assert await pool.fetchval("SELECT count(*) FROM disbursements") == 1
    assert await pool.fetchrow("SELECT reserved_fen, spent_fen FROM budgets") == (0, 10_000_000)
    topics = [r["topic"] for r in await pool.fetch("SELECT topic FROM outbox")]
    assert topics.count("application.disburse") == 1


async def test_50_recognitions_give_distinct_gapless_references(
    client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock, cast_: dict[str, Any]
) -> None:
    filings = await _seed(
        pool,
        cast_["org"]["org"]["id"],
        cast_["org_user"],
        cast_["reviewer_id"],
        50,
        filing_status="reviewed",
        claims=False,
        now=clock.now(),
    )
    assert clock.today() < STARTS
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": f"/api/v1/admin/applications/{f}/decisions",
                "json": DECISION,
                "headers": bearer(cast_["approver"]),
            }
            for f in filings
        ],
    )
    assert [r.status_code for r in responses] == [200] * 50, [
        r.text for r in responses if r.status_code != 200
    ]
    refs = sorted(r.json()["reference"] for r in responses)
    assert refs == [f"WHAI-EV-2026-{i:04d}" for i in range(1, 51)]


async def test_20_identical_posts_with_one_key_make_one_application(
    client: AsyncTestClient, pool: asyncpg.Pool, cast_: dict[str, Any]
) -> None:
    headers = {**bearer(cast_["org"]["token"]), "Idempotency-Key": "filing-2026-contest"}
    responses = concurrently(
        client,
        [
            {
                "method": "POST",
                "url": "/api/v1/applications",
                "json": filing_body(),
                "headers": headers,
            }
        ]
        * 20,
    )
    assert await pool.fetchval("SELECT count(*) FROM applications") == 1
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    assert all(r.status_code in (201, 409) for r in responses)
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE topic = 'application.created'") == 1
    )
