"""Delivering one message: retries with back-off, dead letters and their retry, SMS, races."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.workers.harness import (
    deliver_everything,
    emit,
    job_ctx,
    open_deliveries,
    org_of,
    run_worker_until,
)
from tests.workers.smtp_sink import SmtpSink
from workers.deliver import deliver
from workers.relay import relay
from workers.sweep import sweep


@pytest.fixture
async def org(client: AsyncTestClient, pool: asyncpg.Pool) -> dict[str, Any]:
    body = await register(client, email="org@example.cn")
    body["org_id"] = await org_of(pool, "org@example.cn")
    return body


async def _emails(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT * FROM deliveries WHERE channel = 'email' ORDER BY id")


async def test_smtp_failing_twice_delivers_on_the_third_try(
    org: dict[str, Any],
    pool: asyncpg.Pool,
    mail_settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    smtp.fail_next(2)
    await emit(pool, clock.now(), "application.pass", org_id=org["org_id"], type="event_filing")
    await deliver_everything(mail_settings, clock, pool)
    [row] = await _emails(pool)
    assert (row["status"], row["attempts"], smtp.refused) == ("sent", 3, 2)
    assert len(smtp.received()) == 1 and smtp.received()[0].to == "org@example.cn"


async def test_always_failing_smtp_makes_a_dead_letter_that_staff_can_retry(
    client: AsyncTestClient,
    staff: StaffFactory,
    org: dict[str, Any],
    pool: asyncpg.Pool,
    mail_settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    admin = await staff("admin")
    reviewer = await staff("reviewer")
    smtp.fail_always()
    await emit(pool, clock.now(), "application.reject", org_id=org["org_id"], type="event_filing")
    await deliver_everything(mail_settings, clock, pool)
    [row] = await _emails(pool)
    assert (row["status"], row["attempts"], smtp.refused) == ("dead", 5, 5)
    assert "451" in row["last_error"]

    listed = (await client.get("/api/v1/admin/dead-letters", headers=bearer(admin))).json()
    assert [(x["id"], x["channel"], x["topic"], x["attempts"]) for x in listed["items"]] == [
        (row["id"], "email", "application.reject", 5)
    ]
    assert listed["items"][0]["user_email"] == "org@example.cn" and listed["next_cursor"] is None
    forbidden = await client.get("/api/v1/admin/dead-letters", headers=bearer(reviewer))
    assert forbidden.status_code == 403
    r = await client.post(f"/api/v1/admin/dead-letters/{row['id']}/retry", headers=bearer(reviewer))
    assert r.status_code == 403

    smtp.accept()
    r = await client.post(f"/api/v1/admin/dead-letters/{row['id']}/retry", headers=bearer(admin))
    assert (r.status_code, r.json()) == (202, {"id": row["id"], "status": "pending"})
    again = await client.post(
        f"/api/v1/admin/dead-letters/{row['id']}/retry", headers=bearer(admin)
    )
    assert (again.status_code, again.json()["code"]) == (409, "not_dead")
    missing = await client.post("/api/v1/admin/dead-letters/999999/retry", headers=bearer(admin))
    assert missing.status_code == 404
    audit = await pool.fetchval(
        "SELECT count(*) FROM audit_events WHERE action = 'notification.retried'"
    )
    assert audit == 1

    # The portal only set the row back; the workers' sweep enqueues it under a new job id.
    async with job_ctx(mail_settings, clock) as ctx:
        assert await sweep(ctx) == 1
    await deliver_everything(mail_settings, clock, pool)
    [row] = await _emails(pool)
    assert (row["status"], row["attempts"], row["enqueues"]) == ("sent", 1, 2)
    assert len(smtp.received()) == 1
    listed = (await client.get("/api/v1/admin/dead-letters", headers=bearer(admin))).json()
    assert listed["items"] == []


async def test_a_permanent_refusal_is_dead_at_once(
    org: dict[str, Any],
    pool: asyncpg.Pool,
    mail_settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    smtp.fail_always("550 5.1.1 No such mailbox")
    await emit(pool, clock.now(), "application.approve", org_id=org["org_id"], type="event_claim")
    await deliver_everything(mail_settings, clock, pool)
    [row] = await _emails(pool)
    assert (row["status"], row["attempts"], smtp.refused) == ("dead", 1, 1)


async def test_sms_goes_to_users_with_a_phone_through_the_logging_gateway(
    org: dict[str, Any],
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await pool.execute("UPDATE users SET phone = '13912345678' WHERE email = 'org@example.cn'")
    await emit(pool, clock.now(), "application.disburse", org_id=org["org_id"], type="event_claim")
    await emit(pool, clock.now(), "application.publicize", org_id=org["org_id"], type="event_claim")
    with caplog.at_level("INFO", logger="workers.sms"):
        await deliver_everything(settings, clock, pool)  # no SMTP_URL: e-mail as files
    rows = await pool.fetch(
        "SELECT o.topic, d.channel, d.status FROM deliveries d JOIN outbox o ON o.id = d.outbox_id ORDER BY d.id"
    )
    assert sorted((r["topic"], r["channel"], r["status"]) for r in rows) == [
        ("application.disburse", "email", "sent"),
        ("application.disburse", "inbox", "sent"),
        ("application.disburse", "sms", "sent"),
        ("application.publicize", "email", "sent"),
        ("application.publicize", "inbox", "sent"),  # SMS is for decisions and deadlines
    ]
    assert len(list(settings.mail_folder.glob("*.eml"))) == 2
    assert "*******5678" in caplog.text and "13912345678" not in caplog.text


async def test_a_job_that_starts_before_the_relay_commits_waits_for_it(
    org: dict[str, Any],
    pool: asyncpg.Pool,
    mail_settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    user = await pool.fetchval("SELECT id FROM users WHERE email = 'org@example.cn'")
    async with job_ctx(mail_settings, clock) as ctx, pool.acquire() as conn:
        outbox_id = await emit(pool, clock.now(), "application.pass", org_id=org["org_id"])
        tx = conn.transaction()  # the relay's: it holds the outbox row until it commits
        await tx.start()
        await conn.fetchval("SELECT id FROM outbox WHERE id = $1 FOR UPDATE", outbox_id)
        delivery = await conn.fetchval(
            "INSERT INTO deliveries (outbox_id, channel, user_id, address, subject, body, status,"
            " enqueues, due_at, created_at, updated_at)"
            " VALUES ($1, 'email', $2, 'org@example.cn', 's', 'b', 'pending', 1, $3, $3, $3)"
            " RETURNING id",
            outbox_id,
            user,
            clock.now(),
        )
        job = asyncio.ensure_future(deliver(ctx, delivery, 1, outbox_id))
        await asyncio.sleep(0.3)
        assert not job.done()
        await tx.commit()
        assert await asyncio.wait_for(job, 10) == "sent"
        # A job the sweep superseded, and a job for a row that was rolled back, do nothing.
        assert await deliver(ctx, delivery, 1, outbox_id) == "skipped"
        assert await deliver(ctx, 10**9, 1, outbox_id) == "skipped"
    assert len(smtp.received()) == 1


async def test_the_worker_sends_within_a_second_of_the_commit(
    org: dict[str, Any],
    pool: asyncpg.Pool,
    mail_settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    """No cron tick here: only LISTEN/NOTIFY wakes the relay."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    committed: list[float] = []

    async def arrived() -> bool:
        if not committed and loop.time() - started > 1.0:  # the worker is up and listening
            await emit(pool, clock.now(), "application.pass", org_id=org["org_id"], type="x")
            committed.append(loop.time())
        return len(smtp.received()) == 1

    await run_worker_until(mail_settings, clock, arrived, listen=True, timeout=10)
    assert loop.time() - committed[0] < 1.0
    assert await pool.fetchval("SELECT count(*) FROM notifications") == 1


async def test_two_workers_share_the_queue_and_start_each_job_once(
    org: dict[str, Any],
    pool: asyncpg.Pool,
    mail_settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    for _ in range(40):
        await emit(pool, clock.now(), "application.pass", org_id=org["org_id"], type="x")
    async with job_ctx(mail_settings, clock) as ctx:
        assert await relay(ctx) == 40

    async def done() -> bool:
        return await open_deliveries(pool) == 0

    workers = await asyncio.gather(
        run_worker_until(mail_settings, clock, done), run_worker_until(mail_settings, clock, done)
    )
    assert sum(w.jobs_complete for w in workers) == 40  # a job started twice would count twice
    assert sum(w.jobs_failed + w.jobs_retried for w in workers) == 0
    by_id = smtp.count_by_message_id()
    assert len(by_id) == 40 and set(by_id.values()) == {1}
