"""A real SMTP server for the tests (aiosmtpd, in its own thread) that records what it accepts.

It can refuse on purpose — the next N messages, or all — with 451 after the data (the hardest
place: the client sent everything), and it can hold sessions at RCPT behind a gate, so a test can
kill a worker at a known point of a batch.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    message_id: str
    to: str
    subject: str
    body: str


class SmtpSink:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.port = 0
        self._controller: Controller | None = None
        self.reset()

    # ------------------------------------------------------------ test controls
    def reset(self) -> None:
        with self._lock:
            self.messages: list[Received] = []
            self.refused = 0
            self._fail_next = 0
            self._fail_always = False
            self._code = "451 4.3.0 Try again later"
            self._hold_after: int | None = None
            self.holding = threading.Event()
            self._release = threading.Event()

    def fail_next(self, n: int) -> None:
        with self._lock:
            self._fail_next = n

    def fail_always(self, code: str = "451 4.3.0 Try again later") -> None:
        with self._lock:
            self._fail_always, self._code = True, code

    def accept(self) -> None:
        with self._lock:
            self._fail_always, self._fail_next = False, 0

    def hold_after(self, n: int) -> None:
        """Sessions wait at RCPT once n messages were accepted, until `release()`."""
        with self._lock:
            self._hold_after = n

    def release(self) -> None:
        self._release.set()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.messages)

    def count_by_message_id(self) -> Counter[str]:
        return Counter(m.message_id for m in self.received())

    # ------------------------------------------------------------ aiosmtpd handler
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self._lock:
            hold = self._hold_after is not None and len(self.messages) >= self._hold_after
        if hold:
            self.holding.set()
            while not self._release.is_set():
                await asyncio.sleep(0.01)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            if self._fail_always or self._fail_next > 0:
                self._fail_next = max(self._fail_next - 1, 0)
                self.refused += 1
                return self._code
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            body = msg.get_body(("plain",))
            self.messages.append(
                Received(
                    str(msg["Message-ID"]),
                    str(msg["To"]),
                    str(msg["Subject"]),
                    body.get_content() if body is not None else "",  # type: ignore[attr-defined]
                )
            )
        return "250 2.0.0 OK"

    # ------------------------------------------------------------ lifetime
    def start(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        self.release()
        if self._controller is not None:
            self._controller.stop()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(smtp_server: SmtpSink) -> Iterator[SmtpSink]:
    """The session's SMTP server, emptied and accepting."""
    smtp_server.reset()
    yield smtp_server
    smtp_server.release()
