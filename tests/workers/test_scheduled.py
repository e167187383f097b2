"""Each scheduled job fires on the right date under a frozen clock, and is safe twice — one run
after another, and two at once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import (
    ENDS,
    STARTS,
    claim_body,
    create,
    decide,
    filing_body,
    ok,
    recognized_filing,
    submit,
)
from tests.workers.harness import deliver_everything, job_ctx
from workers.reminders import claim_deadline_reminders, daily_digest, review_sla_reminders
from workers.scheduled import close_publicity, lapse_filings, purge_expired

Job = Callable[[dict[str, Any]], Awaitable[int]]


@pytest.fixture
async def applicant(client: AsyncTestClient) -> str:
    return str((await register(client, email="org@example.cn"))["token"])


@pytest.fixture
async def people(applicant: str, staff: StaffFactory) -> dict[str, str]:
    return {
        "a": applicant,
        "rev": await staff("reviewer", email="rev@wuhan.gov.cn"),
        "appr": await staff("approver", email="appr@wuhan.gov.cn"),
    }


async def runs(settings: Settings, clock: FrozenClock, job: Job, day: dt.date) -> list[int]:
    """The job on `day`: once, then twice at once (as two workers would); what each returned."""
    clock.set_date(day)
    async with job_ctx(settings, clock) as one, job_ctx(settings, clock) as two:
        first = await job(one)
        return [first, *await asyncio.gather(job(one), job(two))]


async def payloads(pool: asyncpg.Pool, topic: str) -> list[dict[str, Any]]:
    rows = await pool.fetch("SELECT payload FROM outbox WHERE topic = $1 ORDER BY id", topic)
    return [r["payload"] for r in rows]


async def test_lapse_on_the_event_start_date(
    client: AsyncTestClient,
    applicant: str,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    filing = await create(client, applicant, filing_body())
    await ok(await submit(client, applicant, filing["id"]))
    assert await runs(settings, clock, lapse_filings, STARTS - dt.timedelta(days=1)) == [0, 0, 0]
    assert sorted(await runs(settings, clock, lapse_filings, STARTS)) == [0, 0, 1]
    assert len(await payloads(pool, "application.lapse")) == 1


async def test_close_publicity_after_the_period(
    client: AsyncTestClient,
    people: dict[str, str],
    staff: StaffFactory,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    people["admin"] = await staff("admin")
    await client.put(
        "/api/v1/admin/budgets/event-support/2026",
        json={"allocated": "5000000.00"},
        headers=bearer(people["admin"]),
    )
    filing = await recognized_filing(client, people["a"], people["rev"], people["appr"])
    clock.set_date(ENDS + dt.timedelta(days=7))  # Wednesday 2026-05-20
    claim = await create(client, people["a"], claim_body(filing["id"]))
    await ok(await submit(client, people["a"], claim["id"]))
    await ok(await decide(client, people["rev"], claim["id"], "pass"))
    await ok(await decide(client, people["appr"], claim["id"], "approve"))
    batch = await ok(
        await client.post(
            "/api/v1/admin/publicity-batches",
            json={"application_ids": [claim["id"]], "starts_on": clock.today().isoformat()},
            headers=bearer(people["admin"]),
        ),
        201,
    )
    ends = dt.date.fromisoformat(batch["ends_on"])
    assert await runs(settings, clock, close_publicity, ends) == [0, 0, 0]
    assert sorted(await runs(settings, clock, close_publicity, ends + dt.timedelta(days=1))) == [
        0,
        0,
        1,
    ]
    assert len(await payloads(pool, "application.confirm")) == 1


async def test_claim_deadline_reminders_30_7_and_1_days_before(
    client: AsyncTestClient,
    people: dict[str, str],
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    filing = await recognized_filing(client, people["a"], people["rev"], people["appr"])
    last_day = ENDS + dt.timedelta(days=90)  # claim_window_days of version 1
    expected = {
        30: [1, 0, 0],
        29: [0, 0, 0],
        8: [0, 0, 0],
        7: [1, 0, 0],
        1: [1, 0, 0],
        -1: [0, 0, 0],
    }
    for days_before, outcome in expected.items():
        got = await runs(
            settings, clock, claim_deadline_reminders, last_day - dt.timedelta(days=days_before)
        )
        assert sorted(got, reverse=True) == outcome, days_before
    sent = await payloads(pool, "reminder.claim_deadline")
    assert [(p["days_left"], p["last_day"]) for p in sent] == [
        (30, last_day.isoformat()),
        (7, last_day.isoformat()),
        (1, last_day.isoformat()),
    ]
    assert {p["application_id"] for p in sent} == {filing["id"]}


async def test_a_late_run_sends_only_the_nearest_reminder_and_none_once_a_claim_is_in(
    client: AsyncTestClient,
    people: dict[str, str],
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    filing = await recognized_filing(client, people["a"], people["rev"], people["appr"])
    last_day = ENDS + dt.timedelta(days=90)
    assert sorted(
        await runs(settings, clock, claim_deadline_reminders, last_day - dt.timedelta(days=5))
    ) == [0, 0, 1]
    assert [p["days_left"] for p in await payloads(pool, "reminder.claim_deadline")] == [5]
    clock.set_date(last_day - dt.timedelta(days=3))
    claim = await create(client, people["a"], claim_body(filing["id"]))
    assert await runs(
        settings, clock, claim_deadline_reminders, last_day - dt.timedelta(days=2)
    ) == [0, 0, 0]
    await ok(await submit(client, people["a"], claim["id"]))
    assert await runs(
        settings, clock, claim_deadline_reminders, last_day - dt.timedelta(days=1)
    ) == [0, 0, 0]
    assert len(await payloads(pool, "reminder.claim_deadline")) == 1


async def test_reviewer_then_approver_reminders_count_working_days(
    client: AsyncTestClient,
    people: dict[str, str],
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    clock.set_date(dt.date(2026, 4, 1))  # Wednesday; 4–6 April is the Qingming holiday
    filing = await create(client, people["a"], filing_body())
    await ok(await submit(client, people["a"], filing["id"]))
    # Five working days end on Thursday 9 April; the sixth, Friday 10 April, is overdue.
    assert await runs(settings, clock, review_sla_reminders, dt.date(2026, 4, 9)) == [0, 0, 0]
    assert sorted(await runs(settings, clock, review_sla_reminders, dt.date(2026, 4, 10))) == [
        0,
        0,
        1,
    ]
    assert await runs(settings, clock, review_sla_reminders, dt.date(2026, 4, 13)) == [0, 0, 0]
    await ok(await decide(client, people["rev"], filing["id"], "pass"))  # on 13 April
    assert await runs(settings, clock, review_sla_reminders, dt.date(2026, 4, 20)) == [0, 0, 0]
    assert sorted(await runs(settings, clock, review_sla_reminders, dt.date(2026, 4, 21))) == [
        0,
        0,
        1,
    ]
    sent = await payloads(pool, "reminder.review_sla")
    assert [(p["role"], p["status"], p["waiting_days"]) for p in sent] == [
        ("reviewer", "submitted", 6),
        ("approver", "reviewed", 6),
    ]
    await deliver_everything(settings, clock, pool)
    told = await pool.fetch(
        "SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id"
        " WHERE n.topic = 'reminder.review_sla' ORDER BY n.created_at"
    )
    assert [r["email"] for r in told] == ["rev@wuhan.gov.cn", "appr@wuhan.gov.cn"]


async def test_the_daily_digest_goes_to_active_staff_with_work_on_working_days(
    client: AsyncTestClient,
    people: dict[str, str],
    staff: StaffFactory,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    filing = await create(client, people["a"], filing_body())
    await ok(await submit(client, people["a"], filing["id"]))
    await staff("reviewer", email="gone@wuhan.gov.cn")
    await pool.execute("UPDATE users SET is_active = false WHERE email = 'gone@wuhan.gov.cn'")
    assert await runs(settings, clock, daily_digest, dt.date(2026, 5, 10)) == [0, 0, 0]  # Sunday
    make_up_day = dt.date(2026, 5, 9)  # a Saturday worked (调休)
    assert sorted(await runs(settings, clock, daily_digest, make_up_day)) == [0, 0, 1]
    assert sorted(await runs(settings, clock, daily_digest, dt.date(2026, 5, 11))) == [0, 0, 1]
    [first, _] = await payloads(pool, "digest.daily")
    assert first["day"] == "2026-05-09" and first["counts"] == {"city_review": 1}
    await deliver_everything(settings, clock, pool)
    told = await pool.fetch(
        "SELECT u.email, n.title FROM notifications n JOIN users u ON u.id = n.user_id"
        " WHERE n.topic = 'digest.daily'"
    )
    # The reviewer, whose work it is; not the approver (nothing of theirs), nor who left.
    assert sorted(r["email"] for r in told) == ["rev@wuhan.gov.cn"] * 2
    assert any(r["title"] == "2026-05-09 待办汇总(超期 1 件)" for r in told)


async def test_purge_what_has_expired_and_nothing_else(
    pool: asyncpg.Pool, settings: Settings, clock: FrozenClock
) -> None:
    now = clock.now()
    for hours in (25, 23):
        await pool.execute(
            "INSERT INTO idempotency_keys (scope, key, request_hash, created_at)"
            " VALUES ('s', $1, $2, $3)",
            f"k{hours}",
            bytes(32),
            now - dt.timedelta(hours=hours),
        )
    for n, expires in enumerate((-1, 5)):  # an abandoned sign-in, and one in flight
        await pool.execute(
            "INSERT INTO oidc_logins (key_hash, stage, created_at, expires_at)"
            " VALUES ($1, 'authorizing', $2, $3)",
            bytes([n]) * 32,
            now - dt.timedelta(minutes=10),
            now + dt.timedelta(minutes=expires),
        )
    for key, started, locked in (
        ("spent", 30, None),  # a day and more ago, refusing nothing: goes
        ("locked", 30, now + dt.timedelta(hours=1)),  # still refusing
        ("recent", 1, None),  # still counting
    ):
        await pool.execute(
            "INSERT INTO throttles (key, hits, window_start, locked_until) VALUES ($1, 3, $2, $3)",
            key,
            now - dt.timedelta(hours=started),
            locked,
        )
    assert sorted(await runs(settings, clock, purge_expired, clock.today())) == [0, 0, 3]
    assert await pool.fetchval("SELECT array_agg(key) FROM idempotency_keys") == ["k23"]
    assert await pool.fetchval("SELECT count(*) FROM oidc_logins WHERE expires_at > $1", now) == 1
    assert await pool.fetchval("SELECT count(*) FROM oidc_logins") == 1
    assert await pool.fetchval("SELECT array_agg(key ORDER BY key) FROM throttles") == [
        "locked",
        "recent",
    ]
