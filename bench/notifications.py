"""Notifications per second, outbox row → SMTP accepted, with one worker process.

    .venv/bin/python -m bench.notifications [--rows 5000]

Embedded PostgreSQL (durable: fsync on) and Redis under .data/bench-notifications, an aiosmtpd
sink in its own process, one `python -m workers` process. The rows are committed in one
transaction while the worker idles (its LISTEN wakes it); the clock runs from that commit to the
sink's last accepted mail. In the same run, the floor: raw aiosmtplib sends of the same mails from
one process over one reused connection to the same sink. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import signal
import socket
import sys
import time
import uuid
from datetime import UTC, datetime
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any, BinaryIO

import aiosmtplib
import asyncpg

from sql.embedded import EmbeddedServers, start_postgres, start_redis
from sql.migrate import migrate
from sql.pool import create_pool
from workers.channels.email import build

DATA_DIR = Path(".data/bench-notifications")
DATABASE = "notifications_bench"
ORGS = 100
SENDER = "noreply@ai-subsidy.wuhan.gov.cn"


# ---------------------------------------------------------------- the sink (its own process)
def _sink(port: int, accepted: Synchronized[int], doubled: Synchronized[int], ready: Any) -> None:
    from aiosmtpd.controller import Controller

    seen: set[bytes] = set()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            head = envelope.content.split(b"\r\n\r\n", 1)[0]
            mid = next((h for h in head.split(b"\r\n") if h.startswith(b"Message-ID:")), b"")
            if mid in seen:
                doubled.value += 1
            seen.add(mid)
            accepted.value += 1
            return "250 2.0.0 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- database
async def _database(base_url: str) -> str:
    admin = await asyncpg.connect(base_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await admin.close()
    url = base_url.replace("/portal?", f"/{DATABASE}?")
    await migrate(url)
    return url


async def _seed_people(pool: asyncpg.Pool) -> list[uuid.UUID]:
    now = datetime.now(UTC)
    orgs = [uuid.uuid4() for _ in range(ORGS)]
    async with pool.acquire() as conn:
        await conn.copy_records_to_table(
            "organizations",
            columns=[
                "id",
                "name",
                "uscc",
                "district_code",
                "contact_name",
                "contact_phone",
                "created_at",
            ],
            records=[
                (o, f"基准单位{i}", f"91420106{i:09d}X", "420106", "张三", "027-1", now)
                for i, o in enumerate(orgs)
            ],
        )
        await conn.copy_records_to_table(
            "users",
            columns=["email", "name", "password_hash", "org_id", "language", "created_at"],
            records=[
                (f"user{i}@bench.example.cn", "张三", "x", o, "en" if i % 4 == 0 else "zh", now)
                for i, o in enumerate(orgs)
            ],
        )
    return orgs


async def _emit(pool: asyncpg.Pool, orgs: list[uuid.UUID], rows: int) -> float:
    """Commit `rows` outbox rows (decisions: inbox and e-mail each) and NOTIFY; returns when."""
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        await conn.executemany(
            "INSERT INTO outbox (created_at, topic, payload) VALUES ($1, 'application.pass', $2)",
            [
                (
                    now,
                    {
                        "org_id": str(orgs[i % len(orgs)]),
                        "type": "event_claim",
                        "reference": f"WHAI-EC-2026-{i:05d}",
                        "action": "pass",
                        "from_status": "submitted",
                        "to_status": "reviewed",
                        "comment": "材料齐全",
                    },
                )
                for i in range(rows)
            ],
        )
        await conn.execute("SELECT pg_notify('outbox', '')")
    return time.perf_counter()


# ---------------------------------------------------------------- the floor
async def _floor(port: int, n: int) -> float:
    """Raw aiosmtplib, one reused connection, mails of the same shape: mails per second."""
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
    await smtp.connect()
    now = datetime.now(UTC)
    mails = [
        build(
            sender=SENDER,
            to=f"user{i % ORGS}@bench.example.cn",
            subject="【武汉市人工智能产业政策资金】申请已通过初审:WHAI-EC-2026-00001",
            body="您单位的活动经费兑现申报《WHAI-EC-2026-00001》已通过初审,进入复核。\n" * 2,
            msg_id=f"<floor.{i}@bench>",
            date=now,
        )
        for i in range(n)
    ]
    started = time.perf_counter()
    for i, data in enumerate(mails):
        await smtp.sendmail(SENDER, [f"user{i % ORGS}@bench.example.cn"], data)
    elapsed = time.perf_counter() - started
    await smtp.quit()
    return n / elapsed


async def _relayed(pool: asyncpg.Pool) -> float:
    # Polls: the state is another process's, there is nothing to wait on here.
    while await pool.fetchval("SELECT count(*) FROM outbox WHERE relayed_at IS NULL"):  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    return time.perf_counter()


async def _wait(counter: Synchronized[int], target: int, limit_seconds: float) -> float:
    deadline = time.perf_counter() + limit_seconds
    while counter.value < target:
        if time.perf_counter() > deadline:
            raise TimeoutError(
                f"only {counter.value} of {target} mails arrived in {limit_seconds:.0f} s"
            )
        await asyncio.sleep(0.005)
    return time.perf_counter()


async def main(rows: int, log: BinaryIO, profile: str | None = None) -> None:
    servers = EmbeddedServers()
    base_url, servers.pg = start_postgres(DATA_DIR)
    sock, servers.redis = start_redis(DATA_DIR)
    redis_url = f"unix://{sock}?db=0"
    port = _free_port()
    accepted, doubled, ready = mp.Value("i", 0), mp.Value("i", 0), mp.Event()
    sink = mp.Process(target=_sink, args=(port, accepted, doubled, ready), daemon=True)
    sink.start()
    worker: asyncio.subprocess.Process | None = None
    try:
        ready.wait(10)
        url = await _database(base_url)
        import redis as redis_sync

        redis_sync.Redis(unix_socket_path=str(sock)).flushdb()
        pool = await create_pool(url, min_size=1, max_size=2)
        orgs = await _seed_people(pool)
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url}
        env |= {"SMTP_URL": f"smtp://127.0.0.1:{port}", "PORTAL_ENV": "development"}
        command = [sys.executable, "-m", "workers"]
        if profile:  # py-spy's flat profile of the worker, for finding where the time goes
            command = [
                "py-spy",
                "record",
                "--format",
                "raw",
                "-r",
                "250",
                "-o",
                profile,
                "--",
                *command,
            ]
        worker = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT
        )
        await asyncio.sleep(3)  # started, listening, idle
        committed = await _emit(pool, orgs, rows)
        relayed = asyncio.ensure_future(_relayed(pool))
        try:
            done = await _wait(accepted, rows, max(60, rows / 50))
        except TimeoutError:
            states = await pool.fetch(
                "SELECT channel, status, attempts, count(*) FROM deliveries GROUP BY 1, 2, 3"
            )
            print("stalled; deliveries:", [tuple(r) for r in states])
            raise
        relay_seconds = (await relayed) - committed
        rate = rows / (done - committed)
        sent = 0
        for _ in range(250):  # the sink may count a mail a moment before its row is marked
            sent = await pool.fetchval(
                "SELECT count(*) FROM deliveries WHERE status = 'sent' AND channel = 'email'"
            )
            if sent == rows:
                break
            await asyncio.sleep(0.02)
        inbox = await pool.fetchval("SELECT count(*) FROM notifications")
        retried = await pool.fetchval("SELECT count(*) FROM deliveries WHERE attempts > 1")
        await pool.close()
        worker.send_signal(
            signal.SIGINT
        )  # py-spy, when profiling, passes it on and writes its file
        await asyncio.wait_for(worker.wait(), 60)
        worker = None

        before = accepted.value
        floor = await _floor(port, rows)
        assert accepted.value == before + rows
        print(f"rows: {rows} outbox rows → {rows} e-mails + {inbox} inbox notifications")
        print(f"notifications: {rate:,.0f} mails/s outbox → SMTP accepted (one worker process)")
        print(f"floor: {floor:,.0f} mails/s raw aiosmtplib, one reused connection, same sink")
        print(f"ratio: {rate / floor:.2f} of the floor")
        print(f"relay: every outbox row relayed {relay_seconds:.2f} s after the commit")
        print(f"e-mail deliveries marked sent: {sent}; doubled at the sink: {doubled.value}")
        print(f"deliveries that needed more than one try: {retried}")
    finally:
        if worker is not None:
            worker.kill()
        sink.kill()
        servers.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--profile", help="write a py-spy profile of the worker to this file")
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with (DATA_DIR / "worker.log").open("wb") as worker_log:
        asyncio.run(main(args.rows, worker_log, args.profile))
