"""`portal serve` as production starts it: a real process on a free port, stopped with its group."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from bench import procs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        assert proc.poll() is None, f"portal serve exited with {proc.returncode}"
        assert time.monotonic() < deadline, f"{url}/health did not answer within {seconds:.0f} s"
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)


def serving_workers(proc: subprocess.Popen[bytes]) -> list[int]:
    """The processes that answer requests: the leaves of the server's tree, helpers left out."""
    kids = procs.children_map()
    tree = procs.descendants(proc.pid)
    return [p for p in tree if not kids.get(p) and not procs.is_helper(p)]


@contextmanager
def portal_serve(
    db_url: str, redis_url: str, workers: int
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env |= {"DATABASE_URL": db_url, "REDIS_URL": redis_url, "PORTAL_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "serve", "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        deadline = time.monotonic() + 30
        while len(serving_workers(proc)) < workers:  # every worker finishes starting
            assert time.monotonic() < deadline, "not every worker started"
            time.sleep(0.2)
        time.sleep(0.5)
        yield url, proc
    finally:
        # Stopped as the README says a service manager must: SIGTERM to `portal serve` alone,
        # which stops granian, which stops its workers. A SIGTERM to the whole group at once
        # can race granian's respawning of a worker that exits, and leave granian's main
        # process waiting for good (1 stop in ~60 here). Then the group, even when `portal
        # serve` itself has exited: nothing left running.
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        time.sleep(0.5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
