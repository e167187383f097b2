"""Idempotency-Key: a retried unsafe request gets the first response instead of running again.

The database decides who runs: a request claims `(caller, key)` with one INSERT before it runs,
so of any number of racing copies exactly one executes. Its response is stored when it is final
(below 500) and replayed to later copies; a failure releases the key so a retry can run. A claim
whose process died is taken over after `STALE_AFTER`, by one conditional UPDATE.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, cast

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from portal.auth.client_address import client_address
from portal.errors import FieldError, Problem, send_problem
from portal.i18n import language_of
from sql import idempotency as store

log = logging.getLogger("portal.idempotency")

HEADER = "Idempotency-Key"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 200
# A claim this old without a result belongs to a process that died: another may take it over.
STALE_AFTER = timedelta(seconds=60)
_ATTEMPTS = 3  # a row can vanish (released) between our INSERT and SELECT; try a few times

_TITLES = {409: ("Conflict", "与当前状态冲突"), 422: ("Invalid input", "输入不符合要求")}
_MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_input": (
        f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
        f"{HEADER} 请求头须为 1 至 {MAX_KEY_LENGTH} 个可打印的 ASCII 字符。",
    ),
    "idempotency_key_reused": (
        f"This {HEADER} was already used for a different request.",
        f"该 {HEADER} 已用于另一个不同的请求。",
    ),
    "idempotency_in_progress": (
        f"A request with this {HEADER} is still being processed; retry shortly.",
        f"使用该 {HEADER} 的请求仍在处理中,请稍后重试。",
    ),
}


class IdempotencyMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        http = cast("HTTPScope", scope)
        key = _key_header(http) if http["method"] in UNSAFE else None
        if key is None:
            await next_app(scope, receive, send)
            return
        if not _valid_key(key):
            await _send_problem(scope, send, 422, "invalid_input")
            return
        body = await _read_body(http, receive)
        if body is None:
            return  # the client went away before sending its body: nothing to do
        ctx = scope["app"].state.ctx
        owner = _owner(scope, ctx.settings.trusted_proxies)
        digest = _digest(http, body)

        async def run(claimed_at: datetime) -> None:
            await _run(scope, _replaying(body, receive), send, next_app, owner, key, claimed_at)

        for _ in range(_ATTEMPTS):
            now = ctx.clock.now()
            async with ctx.pool.acquire() as conn:
                if await store.claim(conn, owner, key, digest, now):
                    row = None
                else:
                    row = await store.get(conn, owner, key)
                    if row is None:
                        continue  # released by a failed first attempt: claim it afresh
            if row is None:
                await run(now)
                return
            if row.request_hash != digest:
                await _send_problem(scope, send, 422, "idempotency_key_reused")
                return
            if row.completed_at is not None:
                await _replay(send, row)
                return
            if now - row.created_at < STALE_AFTER:
                break
            async with ctx.pool.acquire() as conn:
                if await store.take_over(conn, owner, key, row.created_at, now):
                    await run(now)
                    return
            # Another copy took it over first: look again (it is now running, or done).
        await _send_problem(scope, send, 409, "idempotency_in_progress", [(b"retry-after", b"1")])


async def _run(
    scope: Scope,
    receive: Receive,
    send: Send,
    next_app: ASGIApp,
    owner: str,
    key: str,
    claimed_at: datetime,
) -> None:
    """Run the app holding the claim; store its final response, or release the claim."""
    ctx = scope["app"].state.ctx
    recorder = _Recorder()
    try:
        await next_app(scope, receive, recorder.send)
    except BaseException:
        await _settle(ctx, "release", lambda c: store.release(c, owner, key, claimed_at))
        raise
    status = recorder.status or 500
    # 5xx and 429 are transient: a retry must run again rather than see them replayed.
    if status >= 500 or status == 429:
        await _settle(ctx, "release", lambda c: store.release(c, owner, key, claimed_at))
    else:
        body = b"".join(recorder.chunks)
        await _settle(
            ctx,
            "store",
            lambda c: store.complete(
                c,
                owner,
                key,
                claimed_at,
                ctx.clock.now(),
                status_code=status,
                content_type=recorder.content_type,
                body=body,
            ),
        )
    # Stored before it is sent: a client that retries at once gets the replay, not a 409.
    for message in recorder.messages:
        await send(message)


async def _settle(ctx: Any, what: str, write: Callable[[Any], Awaitable[object]]) -> None:
    # The response is already decided; a failure here only delays retries until the takeover.
    try:
        async with ctx.pool.acquire() as conn:
            await write(conn)
    except Exception:
        log.exception("could not %s an idempotency key", what)


class _Recorder:
    """Holds the app's response back until its outcome has been written down."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.status: int | None = None
        self.content_type: str | None = None
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        self.messages.append(message)
        if message["type"] == "http.response.start":
            self.status = message["status"]
            for name, value in message.get("headers") or ():
                if name.lower() == b"content-type":
                    self.content_type = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))


def _key_header(scope: HTTPScope) -> str | None:
    """The first Idempotency-Key header (read from the raw list: no Headers object per request)."""
    for name, value in scope["headers"]:
        if name.lower() == b"idempotency-key":
            return value.decode("latin-1")
    return None


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= c <= "~" for c in key)


def _owner(scope: Scope, trusted_proxies: tuple[str, ...]) -> str:
    # Keys belong to the caller: the signed-in user, else the client's address.
    user = scope.get("user")
    if user is not None:
        return f"user:{user.user_id}"
    return f"addr:{client_address(ASGIConnection(scope), trusted_proxies)}"


def _digest(scope: HTTPScope, body: bytes) -> bytes:
    # Length-prefixed parts, so no two different requests can hash the same bytes.
    digest = hashlib.sha256()
    for part in (
        scope["method"].encode(),
        scope["path"].encode("utf-8", "surrogatepass"),
        scope.get("query_string", b""),
        body,
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


async def _read_body(scope: HTTPScope, receive: Receive) -> bytes | None:
    """The whole request body (it must be hashed before the app runs); None on disconnect."""
    handler = scope.get("route_handler")
    limit = (
        handler.resolve_request_max_body_size() if isinstance(handler, HTTPRouteHandler) else None
    )
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            size += len(chunk)
            if limit is not None and size > limit:
                raise RequestEntityTooLarge  # the app would refuse it too; do not buffer more
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the buffered body, then defers to the real one."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _replay(send: Send, row: store.StoredKey) -> None:
    body = row.body or b""
    headers = [(b"content-length", str(len(body)).encode()), (b"idempotent-replayed", b"true")]
    if row.content_type is not None:
        headers.append((b"content-type", row.content_type.encode("latin-1")))
    assert row.status_code is not None  # a completed row has one (a CHECK says so)
    await send({"type": "http.response.start", "status": row.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _send_problem(
    scope: Scope,
    send: Send,
    status: int,
    code: str,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    zh = language_of(ASGIConnection(scope)) == "zh"
    en_message, zh_message = _MESSAGES[code]
    message = zh_message if zh else en_message
    title_en, title_zh = _TITLES[status]
    problem = Problem(
        status=status,
        title=title_zh if zh else title_en,
        detail=message,
        code=code,
        errors=[FieldError(field=HEADER, code=code, message=message)] if status == 422 else None,
    )
    await send_problem(send, problem, extra_headers)
