"""Nothing lost, nothing doubled: Redis down while work comes in, a worker killed mid-batch,
and a worker that rides out a Redis restart but exits (for its supervisor) when Redis stays away."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import msgspec
import pytest
from arq.connections import ArqRedis
from litestar.testing import AsyncTestClient
from redis.exceptions import ConnectionError as RedisConnectionError

from domain.clock import FrozenClock
from portal.app import create_app
from sql.settings import Settings
from tests.factories import register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, filing_body, ok, submit
from tests.workers.harness import (
    deliver_everything,
    emit,
    job_ctx,
    open_deliveries,
    org_of,
    run_worker_until,
)
from tests.workers.private_redis import PrivateRedis
from tests.workers.smtp_sink import SmtpSink
from workers.__main__ import RedisGone, watchdog
from workers.relay import relay
from workers.serialization import deserialize, serialize
from workers.sweep import sweep


@pytest.fixture
def private_redis(tmp_path: Path) -> PrivateRedis:
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis  # type: ignore[misc]
    redis.stop()


async def test_redis_down_while_200_applications_are_submitted(
    private_redis: PrivateRedis,
    staff: StaffFactory,
    pool: asyncpg.Pool,
    mail_settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    settings = msgspec.structs.replace(mail_settings, redis_url=private_redis.url)
    await staff("reviewer", email="rev@wuhan.gov.cn")
    async with AsyncTestClient(create_app(settings, clock)) as client:
        org = await register(client, email="org@example.cn")
        private_redis.stop()
        ids = [(await create(client, org["token"], filing_body()))["id"] for _ in range(200)]
        for app_id in ids:  # the portal needs no Redis to accept work
            await ok(await submit(client, org["token"], app_id))

    async with job_ctx(settings, clock) as ctx:
        with pytest.raises((RedisConnectionError, OSError)):
            await relay(ctx)
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE relayed_at IS NULL") == 400
    assert await pool.fetchval("SELECT count(*) FROM deliveries") == 0  # rolled back whole

    private_redis.start()
    await deliver_everything(settings, clock, pool)
    told = await pool.fetch(
        "SELECT u.email, count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id"
        " GROUP BY u.email"
    )
    assert {r["email"]: r["n"] for r in told} == {"org@example.cn": 200, "rev@wuhan.gov.cn": 200}
    by_id = smtp.count_by_message_id()
    assert len(by_id) == 400 and set(by_id.values()) == {1}
    assert Counter(m.to for m in smtp.received()) == {
        "org@example.cn": 200,
        "rev@wuhan.gov.cn": 200,
    }


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "workers"],
        env={**os.environ, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


async def _sent_emails(pool: asyncpg.Pool) -> int:
    n: int = await pool.fetchval(
        "SELECT count(*) FROM deliveries WHERE channel = 'email' AND status = 'sent'"
    )
    return n


async def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    db_url: str,
    redis_url: str,
    mail_settings: Settings,
    smtp: SmtpSink,
    tmp_path: Path,
) -> None:
    await register(client, email="org@example.cn")
    org_id = await org_of(pool, "org@example.cn")
    n = 60
    for _ in range(n):
        await emit(pool, datetime.now(UTC), "application.pass", org_id=org_id, type="event_claim")
    # The server takes 15 mails, then holds every session at RCPT: the batch is mid-flight.
    smtp.hold_after(15)
    env = {"DATABASE_URL": db_url, "REDIS_URL": redis_url, "SMTP_URL": smtp.url}
    worker = _worker({**env, "PORTAL_ENV": "test"}, tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 30
        # Wait until what the server accepted is all marked sent: no mail is in doubt.
        while not (smtp.holding.is_set() and await _sent_emails(pool) == len(smtp.received())):
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker never got going"
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=10) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
    accepted = len(smtp.received())
    assert 15 <= accepted < n
    smtp.release()

    # Another worker. The dead one's jobs would run again only after arq's in-progress
    # timeout; the sweep gives their rows new jobs once their lease is over (clock moved on).
    later = FrozenClock(datetime.now(UTC) + timedelta(hours=1))
    async with job_ctx(mail_settings, later) as ctx:
        assert await sweep(ctx) == n - accepted

    async def all_sent() -> bool:
        return await open_deliveries(pool) == 0

    await run_worker_until(mail_settings, later, all_sent)
    by_id = smtp.count_by_message_id()
    assert len(by_id) == n and set(by_id.values()) == {1}
    assert await pool.fetchval("SELECT count(*) FROM notifications") == n


async def test_the_worker_rides_out_a_redis_restart_and_exits_when_redis_stays_away(
    private_redis: PrivateRedis, db_url: str, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": db_url,
        "REDIS_URL": private_redis.url,
        "PORTAL_ENV": "test",
        "WORKER_REDIS_RETRIES": "3",  # rides out ~2 s of outage instead of ~10 s
    }
    log = tmp_path / "worker.log"
    worker = _worker(env, log)
    redis = ArqRedis.from_url(private_redis.url)
    redis.job_serializer, redis.job_deserializer = serialize, deserialize
    try:
        deadline = time.monotonic() + 20
        while not await redis.exists("arq:queue:health-check"):
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.05)

        private_redis.stop()
        private_redis.start()  # a restart: empty, and back within moments
        await asyncio.sleep(0.5)
        job = await redis.enqueue_job("heartbeat")
        assert job is not None and await job.result(timeout=15) == "ok"
        assert worker.poll() is None

        private_redis.stop()
        code = await asyncio.to_thread(worker.wait, 30)
        assert code == 1, log.read_text()
        assert "Redis unreachable" in log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
        await redis.aclose(close_connection_pool=True)


async def test_the_watchdog_gives_up_on_a_redis_that_hangs(tmp_path: Path) -> None:
    """A server that accepts connections and never answers: only a timeout notices."""
    silent = socket.socket(socket.AF_UNIX)
    silent.bind(str(tmp_path / "silent.sock"))
    silent.listen(8)
    try:
        started = time.monotonic()
        with pytest.raises(RedisGone):
            await watchdog(f"unix://{tmp_path / 'silent.sock'}", 1, every=0.01, ping_timeout=0.2)
        assert time.monotonic() - started < 3
    finally:
        silent.close()
