"""/metrics of `portal serve --workers 2`: one server's numbers, whichever worker answers."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _served_count(text: str, path: str) -> float:
    pattern = re.compile(
        rf'^portal_requests_total\{{[^}}]*path="{re.escape(path)}"[^}}]*\}} (\S+)$'
    )
    return sum(float(m[1]) for line in text.splitlines() if (m := pattern.match(line)))


def test_every_scrape_counts_the_requests_of_both_workers(db_url: str, redis_url: str) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env |= {"DATABASE_URL": db_url, "REDIS_URL": redis_url, "PORTAL_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "serve", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, "portal serve did not start"
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        time.sleep(1.0)  # the second worker finishes starting
        for _ in range(60):  # a new connection each: the kernel spreads them over the workers
            assert httpx.get(f"{url}/api/v1/programs", timeout=5).status_code == 200
        # Each scrape is answered by one worker; each must count all 60.
        counts = [
            _served_count(httpx.get(f"{url}/metrics").text, "/api/v1/programs") for _ in range(8)
        ]
        assert counts == [60.0] * 8
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
