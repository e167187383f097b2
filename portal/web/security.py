"""Headers every page carries: a strict Content-Security-Policy and friends."""

from __future__ import annotations

from litestar.types import Message, Scope

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


async def security_headers(message: Message, scope: Scope) -> None:
    """`before_send` hook: add the headers unless the response set its own."""
    if message["type"] == "http.response.start":
        present = {name.lower() for name, _ in message.get("headers", [])}
        message["headers"] = list(message.get("headers", [])) + [
            (k, v) for k, v in _HEADERS if k not in present
        ]
