"""`portal demo`: a sandbox with every program in every status, loaded once, never in production."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import BUSINESS_TZ
from portal.cli import main
from portal.demo.cast import ORGS, PASSWORD, STAFF
from portal.demo.sandbox import RefusedInProduction, load
from portal.demo.story import CLAIM_PATH, FILING_TARGETS
from sql.pool import create_pool
from sql.priors import lapse_due
from sql.publicity import close_due_batches
from sql.settings import Settings


async def test_the_sandbox_has_every_program_in_every_status_and_loads_once(
    settings: Settings, db_url: str, client: AsyncTestClient
) -> None:
    first = await load(settings)
    assert not first.already
    conn = await asyncpg.connect(db_url)
    try:
        statuses = await conn.fetch(
            "SELECT program_code, array_agg(DISTINCT status) AS s FROM applications"
            " GROUP BY program_code"
        )
        by_program = {r["program_code"]: set(r["s"]) for r in statuses}
        programs = await conn.fetchval("SELECT count(*) FROM programs")
        assert len(by_program) == programs == 15
        claim_statuses = {*CLAIM_PATH, "returned", "rejected", "withdrawn"}
        for code, seen in by_program.items():
            filings = {*FILING_TARGETS, "lapsed"} if code == "event-support" else set()
            assert seen == claim_statuses | filings, code
        districts = await conn.fetchval("SELECT count(DISTINCT district_code) FROM organizations")
        assert districts == 13
        # Publicity now, one batch of it under objection; money paid; budgets for this year.
        today = dt.date.today()
        open_batches = await conn.fetch(
            "SELECT b.id, count(o.id) AS objections FROM publicity_batches b"
            " LEFT JOIN objections o ON o.batch_id = b.id AND o.status = 'open'"
            " WHERE b.closed_at IS NULL AND b.starts_on <= $1 AND $1 <= b.ends_on GROUP BY b.id",
            today,
        )
        assert len(open_batches) == 2
        assert sorted(bool(b["objections"]) for b in open_batches) == [False, True]
        paid = await conn.fetchval("SELECT count(*) FROM applications WHERE status = 'disbursed'")
        assert paid == 15
        budgets = await conn.fetch(
            "SELECT program_code, funder FROM budgets WHERE year = $1 AND allocated_fen > 0",
            today.year,
        )
        assert sum(b["funder"] == "city" for b in budgets) == 15
        # The match is half the district's: the budgets of the districts its claims come from.
        assert sorted(b["funder"] for b in budgets if b["funder"] != "city") == ["420106", "420111"]
        assert {b["program_code"] for b in budgets if b["funder"] != "city"} == {
            "computing-center-match"
        }
        rows = await conn.fetchval("SELECT count(*) FROM applications")
        events = await conn.fetchval("SELECT count(*) FROM audit_events")
    finally:
        await conn.close()

    again = await load(settings)
    assert again.already
    conn = await asyncpg.connect(db_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM applications") == rows
        assert await conn.fetchval("SELECT count(*) FROM audit_events") == events
    finally:
        await conn.close()

    # The README's training clock: ten days on, both publicity periods have ended and every award
    # in them is confirmed but those under objection; fifty days on, the filings for next
    # month's events that were never recognized have lapsed.
    pool = await create_pool(db_url, min_size=1, max_size=2)
    try:
        held = await pool.fetchval(
            "SELECT count(DISTINCT application_id) FROM objections WHERE status = 'open'"
        )
        later = dt.datetime.now(BUSINESS_TZ) + dt.timedelta(days=10)
        assert await close_due_batches(pool, later.date(), later) > 0
        left = await pool.fetchval("SELECT count(*) FROM applications WHERE status = 'publicized'")
        assert left == held > 0
        waiting = await pool.fetchval(
            "SELECT count(*) FROM applications WHERE type = 'event_filing'"
            " AND status IN ('submitted', 'reviewed', 'returned')"
        )
        later = dt.datetime.now(BUSINESS_TZ) + dt.timedelta(days=50)
        assert waiting > 0 and await lapse_due(pool, later.date(), later) == waiting
    finally:
        await pool.close()

    # Everyone printed signs in with the printed password; every role is there.
    for email in [s.email for s in STAFF] + [o.email for o in ORGS]:
        r = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, email
    assert {role for s in STAFF for role in s.roles} == {
        "reviewer",
        "approver",
        "finance",
        "admin",
        "auditor",
    }


async def test_it_refuses_production(settings: Settings, db_url: str) -> None:
    production = msgspec.structs.replace(settings, env="production")
    with pytest.raises(RefusedInProduction):
        await load(production)
    conn = await asyncpg.connect(db_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM organizations") == 0
    finally:
        await conn.close()


def test_the_command_refuses_production(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nowhere.invalid/portal")
    monkeypatch.setenv("REDIS_URL", "redis://nowhere.invalid:6379/0")
    assert main(["demo"]) == 1
    assert "PORTAL_ENV=production" in capsys.readouterr().err
