"""Resolve the caller before routing; anonymous callers get `scope["user"] = None`.

The API takes bearer tokens; pages take the session cookie. It never refuses a request itself:
the guards on each route decide, so public routes stay public. The one exception is a caller
taken from the cache (`portal.auth.callers`) who turns out, before the answer, no longer to hold
a valid token (401) or to pass the route's guards (403).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from asyncpg import Record
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from domain.accounts import Role
from portal.auth.callers import CHECKED_IN_STATEMENT
from portal.auth.guards import Guard
from portal.auth.principal import Principal, TokenCheck
from portal.auth.tokens import bearer_from_header, token_hash
from portal.errors import ProblemError, forbidden, not_signed_in, problem_of, send_problem
from portal.i18n import language_of
from sql.queries import Q

SESSION_COOKIE = "portal_session"

AnyConnection = ASGIConnection[Any, Any, Any, Any]
AsyncGuard = Callable[[AnyConnection, BaseRouteHandler], Awaitable[None]]


def on_loop(guard: Guard) -> AsyncGuard:
    """The same guard as a coroutine function.

    Litestar runs a plain-function guard in a worker thread (`sync_to_thread`) on every request;
    for a check of a few attributes that hand-off cost a fifth of a request's CPU. As a coroutine
    function it runs on the event loop, with the same outcome.
    """

    async def run(connection: AnyConnection, handler: BaseRouteHandler) -> None:
        guard(connection, handler)

    run.__name__ = getattr(guard, "__name__", "guard")
    run.__qualname__ = run.__name__
    return run


def _header(scope: Scope, name: bytes) -> str | None:
    """The first value of a header; `name` in lower case (as ASGI servers send names)."""
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _session_cookie(scope: Scope) -> str | None:
    for key, raw in scope["headers"]:
        if key.lower() != b"cookie":
            continue
        for part in raw.decode("latin-1").split(";"):
            name, _, value = part.strip().partition("=")
            if name == SESSION_COOKIE and value:
                return value[:200]
    return None


def _principal(row: Record) -> Principal:
    return Principal(
        user_id=row["id"],
        email=row["email"],
        name=row["name"],
        org_id=row["org_id"],
        roles=frozenset(Role(r) for r in row["roles"]),
        language=row["language"],
        org_uscc=row["org_uscc"],
        org_role=row["org_role"],
        email_verified=row["email_verified"],
        districts=frozenset(row["districts"]),
    )


def _takes_cached_caller(scope: Scope) -> bool:
    """The route's statement checks a cached caller's token itself (`CHECKED_IN_STATEMENT`),
    and no Idempotency-Key is sent: a key is claimed, and its answer stored, before the
    statement runs."""
    handler = scope.get("route_handler")
    return (
        handler is not None
        and bool(handler.opt.get(CHECKED_IN_STATEMENT))
        and _header(scope, b"idempotency-key") is None
    )


async def _read(scope: Scope, query: str, digest: bytes) -> Record | None:
    ctx = scope["app"].state.ctx
    row: Record | None = await ctx.pool.fetchrow(query, digest, ctx.clock.now())
    return row


async def _refusal(scope: Scope, check: TokenCheck) -> ProblemError | None:
    """Why the answer to a cached caller may not go out, read now: the token no longer holds
    (401), or the route's guards refuse the caller as stored now (403). None: it may."""
    ctx = scope["app"].state.ctx
    row = await _read(scope, Q.principal_by_token, check.digest)
    if row is None:
        ctx.callers.evict(check.digest)
        scope["user"] = None
        return not_signed_in()
    fresh = _principal(row)
    ctx.callers.put(check.digest, fresh, row["expires_at"], ctx.clock.now())
    if fresh != scope["user"]:  # roles or organization changed since it was cached
        scope["user"] = fresh
        try:
            await scope["route_handler"].authorize_connection(ASGIConnection(scope))
        except NotAuthorizedException:
            return not_signed_in()
        except PermissionDeniedException:
            return forbidden()
    return None


def _checking(scope: Scope, send: Send, check: TokenCheck) -> Send:
    """`send`, but an answer the route's statement did not vouch for goes out only once the
    caller has been read again (`_refusal`); otherwise a 401 or 403 goes out instead."""
    refused = False

    async def checked(message: Message) -> None:
        nonlocal refused
        if message["type"] == "http.response.start" and not check.verified:
            err = await _refusal(scope, check)
            refused = err is not None
            if err is not None:
                zh = language_of(ASGIConnection(scope)) == "zh"
                headers = [(k.lower().encode(), v.encode()) for k, v in err.headers.items()]
                await send_problem(send, problem_of(err, zh), headers)
            check.verified = True
        if not refused:
            await send(message)

    return checked


class AuthMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        scope["auth"] = None
        token = bearer_from_header(_header(scope, b"authorization"))
        if token is not None:
            send = await self._bearer(scope, send, token)
        elif not scope["path"].startswith("/api/"):
            # Cookies never authenticate the API: it needs no CSRF defence that way.
            secret = _session_cookie(scope)
            row = await _read(scope, Q.principal_by_session, token_hash(secret)) if secret else None
            if row is not None:
                scope["user"], scope["auth"] = _principal(row), secret
        await next_app(scope, receive, send)

    async def _bearer(self, scope: Scope, send: Send, token: str) -> Send:
        ctx = scope["app"].state.ctx
        digest = token_hash(token)
        cacheable = _takes_cached_caller(scope)
        cached = ctx.callers.get(digest, ctx.clock.now()) if cacheable else None
        if cached is not None:
            check = TokenCheck(digest)
            scope["user"], scope["auth"] = replace(cached, token_check=check), token
            return _checking(scope, send, check)
        row = await _read(scope, Q.principal_by_token, digest)
        if row is not None:
            scope["user"], scope["auth"] = _principal(row), token
            if cacheable:  # only routes that can use it fill the cache
                ctx.callers.put(digest, scope["user"], row["expires_at"], ctx.clock.now())
        return send
