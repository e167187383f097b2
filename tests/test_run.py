"""`make run` as a user meets it: `portal run` on embedded servers, health, docs, worker, Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from arq import create_pool
from arq.connections import RedisSettings

from tests.portal.serving import free_port
from workers.serialization import deserialize, serialize


def _start(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"PORTAL_DATA_DIR": str(data_dir), "PORTAL_PORT": str(port)}
    return subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # As at a terminal: a test runner started in the background has SIGINT ignored, and a
        # child inherits that, so Ctrl-C (SIGINT below) would never reach `portal run`.
        preexec_fn=_sigint_as_at_a_terminal,
    )


def _sigint_as_at_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_healthy(url: str, proc: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        try:
            r = httpx.get(f"{url}/health", timeout=2)
            if r.status_code == 200:
                return r
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError("portal run did not become healthy within 60 s")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out


async def test_portal_run_serves_health_docs_and_a_worker(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(tmp_path, port)
    try:
        assert _wait_healthy(url, proc).json() == {"status": "ok", "database": "ok", "redis": "ok"}
        assert httpx.get(f"{url}/schema/openapi.json").json()["info"]["version"] == "1.0.0"
        assert httpx.get(f"{url}/schema").status_code == 200
        redis = await create_pool(
            RedisSettings(unix_socket_path=str(tmp_path / "redis" / "redis.sock")),
            job_serializer=serialize,
            job_deserializer=deserialize,
        )
        job = await redis.enqueue_job("heartbeat")
        assert job is not None and await job.result(timeout=30) == "ok"
        await redis.aclose()
    finally:
        out = _stop(proc)
    assert "The portal is at http://127.0.0.1:" in out and "portal: stopped." in out
    time.sleep(0.5)
    assert not (tmp_path / "redis" / "redis.sock").exists() or not _answers(
        tmp_path / "redis" / "redis.sock"
    )

    # Run again on the same data: the database is reused, no migration is applied twice.
    proc = _start(tmp_path, port)
    try:
        _wait_healthy(url, proc)
    finally:
        out = _stop(proc)
    assert "migrations applied" not in out


def _answers(sock: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(sock))
            return True
    except OSError:
        return False
