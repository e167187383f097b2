"""The client's address for throttling: X-Forwarded-For counts only behind a trusted proxy."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from litestar.connection import ASGIConnection


def _trusted(address: str, proxies: Sequence[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies)


def client_address(connection: ASGIConnection[Any, Any, Any, Any], proxies: Sequence[str]) -> str:
    peer = connection.client.host if connection.client else "unknown"
    if not proxies or not _trusted(peer, proxies):
        return peer
    # Walk from the right: the first hop our proxies did not add is the client.
    hops = [
        h.strip() for h in connection.headers.get("x-forwarded-for", "").split(",") if h.strip()
    ]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return peer
