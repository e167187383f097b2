"""SMS through a pluggable gateway: by default one that only logs, else an HTTP gateway.

The HTTP contract is ours and small, for an adapter in front of whichever carrier the city
contracts: `POST SMS_GATEWAY_URL` with JSON `{to, text, id}` and header `Idempotency-Key: id`;
2xx accepted, 429/5xx/timeouts try again later, any other 4xx never succeeds.
"""

from __future__ import annotations

import logging
from typing import Protocol

import httpx

from workers.channels import PermanentError, TransientError

log = logging.getLogger("workers.sms")


def masked(phone: str) -> str:
    """Logs keep the last four digits only: a phone number is personal data."""
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


class SmsGateway(Protocol):
    async def send(self, phone: str, text: str, key: str) -> None: ...

    async def close(self) -> None: ...


class LoggingGateway:
    """Development and tests: the SMS is written to the log and counted as sent."""

    async def send(self, phone: str, text: str, key: str) -> None:
        log.info("SMS %s to %s: %s", key, masked(phone), text)

    async def close(self) -> None:
        return None


class HttpGateway:
    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self._url = url
        self._client = httpx.AsyncClient(timeout=timeout)

    async def send(self, phone: str, text: str, key: str) -> None:
        try:
            r = await self._client.post(
                self._url,
                json={"to": phone, "text": text, "id": key},
                headers={"Idempotency-Key": key},
            )
        except httpx.TransportError as exc:  # timeouts included
            raise TransientError(f"SMS gateway: {exc!r}") from None
        if r.status_code == 429 or r.status_code >= 500:
            raise TransientError(f"SMS gateway {r.status_code}: {r.text[:200]}")
        if r.status_code >= 400:
            raise PermanentError(f"SMS gateway {r.status_code}: {r.text[:200]}")

    async def close(self) -> None:
        await self._client.aclose()


def gateway(url: str | None) -> SmsGateway:
    return HttpGateway(url) if url else LoggingGateway()
