"""E-mail over SMTP (aiosmtplib): a few connections per worker, reused across jobs; or, without
SMTP_URL, as .eml files in a folder, so that a local portal's every link can be followed.

Reusing connections matters: a new connection per mail costs a handshake and EHLO each time.
Each connection carries one mail at a time; a lost one is reconnected on next use.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from workers.channels import PermanentError, TransientError

log = logging.getLogger("workers.email")

SENDER_NAME = "武汉市人工智能产业政策资金申报平台"


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        """`smtp://[user:password@]host[:port]` (STARTTLS when offered) or `smtps://…` (TLS)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"SMTP_URL must look like smtp://host:port, not {url!r}")
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=tls,
        )


def message_id(outbox_id: int, delivery_id: int, sender: str) -> str:
    """Stable per delivery: a mail sent twice after a crash carries the same Message-ID, so the
    duplicate is recognizable (and dropped by most mail systems)."""
    domain = sender.rsplit("@", 1)[-1]
    return f"<n{outbox_id}.d{delivery_id}@{domain}>"


def build(*, sender: str, to: str, subject: str, body: str, msg_id: str, date: datetime) -> bytes:
    """A plain-text UTF-8 message, built directly: `email.message` costs more than the send."""
    text = base64.encodebytes(body.encode("utf-8")).decode("ascii")
    # Titles carry applicants' words: no line break may reach a header (header injection).
    subject, to = " ".join(subject.split()), "".join(to.split())
    headers = [
        f"From: {formataddr((SENDER_NAME, sender), charset='utf-8')}",
        f"To: {to}",
        f"Subject: {Header(subject, 'utf-8').encode()}",
        f"Date: {format_datetime(date)}",
        f"Message-ID: {msg_id}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "Auto-Submitted: auto-generated",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n" + text.replace("\n", "\r\n")).encode("ascii")


class Mailer(Protocol):
    async def send(self, sender: str, recipient: str, data: bytes) -> None: ...

    async def close(self) -> None: ...


class MailFolder:
    """Mail written as `<folder>/<sha256 of the message>.eml`: the same mail twice is one file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, sender: str, recipient: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, data)

    def _write(self, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"{hashlib.sha256(data).hexdigest()[:32]}.eml"
        part = final.with_suffix(".part")
        part.write_bytes(data)
        os.replace(part, final)  # whole or absent

    async def close(self) -> None:
        return None


def _classify(code: int, message: str) -> Exception:
    text = f"SMTP {code} {message}".strip()
    return TransientError(text) if 400 <= code < 500 else PermanentError(text)


class SmtpPool:
    def __init__(self, config: SmtpConfig, size: int = 4) -> None:
        self._config = config
        self._free: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        for _ in range(max(size, 1)):
            self._free.put_nowait(self._client())

    def _client(self) -> aiosmtplib.SMTP:
        c = self._config
        return aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            username=c.username,
            password=c.password,
            use_tls=c.implicit_tls,
            timeout=c.timeout,
        )

    async def send(self, sender: str, recipient: str, data: bytes) -> None:
        client = await self._free.get()
        try:
            reused = client.is_connected
            try:
                await self._send(client, sender, recipient, data)
            except TransientError:
                if not reused or client.is_connected:
                    raise
                # The server dropped an idle connection: one fresh try, not a retry in minutes.
                await self._send(client, sender, recipient, data)
        finally:
            self._free.put_nowait(client)

    async def _send(
        self, client: aiosmtplib.SMTP, sender: str, recipient: str, data: bytes
    ) -> None:
        try:
            if not client.is_connected:
                await client.connect()
            await client.sendmail(sender, [recipient], data)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            first = exc.recipients[0]
            raise _classify(first.code, first.message) from None
        except aiosmtplib.SMTPResponseException as exc:
            if isinstance(exc, aiosmtplib.SMTPConnectError):
                client.close()
            raise _classify(exc.code, exc.message) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            client.close()
            raise TransientError(f"SMTP connection: {exc!r}") from None
        except (ValueError, UnicodeError) as exc:  # an address SMTP cannot carry
            raise PermanentError(f"bad address: {exc}") from None

    async def close(self) -> None:
        while not self._free.empty():
            client = self._free.get_nowait()
            if client.is_connected:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.quit(), 2)
                client.close()
