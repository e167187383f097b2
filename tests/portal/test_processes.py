"""`portal serve` and `portal worker` as processes: a serving worker that dies is replaced, and
SIGTERM (how a service manager stops them) stops them and everything they started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import httpx

from bench import procs
from tests.portal.serving import portal_serve, serving_workers, wait_healthy


def test_a_killed_worker_is_replaced_and_the_portal_answers_again(
    db_url: str, redis_url: str
) -> None:
    with portal_serve(db_url, redis_url, workers=1) as (url, proc):
        [worker] = serving_workers(proc)
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while worker in serving_workers(proc) or not serving_workers(proc):
            assert time.monotonic() < deadline, "no new worker"
            time.sleep(0.2)
        wait_healthy(url, proc, seconds=30)
        assert serving_workers(proc) != [worker]
        assert httpx.get(f"{url}/api/v1/programs", timeout=5).status_code == 200


def test_sigterm_stops_the_server_and_its_workers(db_url: str, redis_url: str) -> None:
    with portal_serve(db_url, redis_url, workers=2) as (url, proc):
        workers = serving_workers(proc)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        for pid in workers:
            assert not os.path.exists(f"/proc/{pid}") or _zombie(pid)
        try:
            httpx.get(f"{url}/health", timeout=2)
            raise AssertionError("still answering after SIGTERM")
        except httpx.TransportError:
            pass


def _zombie(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] == "Z"


def test_sigterm_stops_the_worker_supervisor_and_its_worker(db_url: str, redis_url: str) -> None:
    env = os.environ | {"DATABASE_URL": db_url, "REDIS_URL": redis_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (worker := procs.descendants(proc.pid)):
            assert proc.poll() is None and time.monotonic() < deadline, "no worker started"
            time.sleep(0.2)
        time.sleep(2.0)  # the worker is up and polling Redis
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert all(not os.path.exists(f"/proc/{pid}") or _zombie(pid) for pid in worker)
    finally:
        with contextlib.suppress(ProcessLookupError):  # nothing of the group left running
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
