"""Resolve the caller before routing; anonymous callers get `scope["user"] = None`.

The API takes bearer tokens; pages take the session cookie. It never refuses a request itself:
the guards on each route decide, so public routes stay public.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from domain.accounts import Role
from portal.auth.guards import Guard
from portal.auth.principal import Principal
from portal.auth.tokens import bearer_from_header, token_hash
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


class AuthMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        scope["auth"] = None
        token = bearer_from_header(_header(scope, b"authorization"))
        query, secret = Q.principal_by_token, token
        if token is None and not scope["path"].startswith("/api/"):
            # Cookies never authenticate the API: it needs no CSRF defence that way.
            query, secret = Q.principal_by_session, _session_cookie(scope)
        if secret is not None:
            ctx = scope["app"].state.ctx
            row = await ctx.pool.fetchrow(query, token_hash(secret), ctx.clock.now())
            if row is not None:
                scope["user"] = Principal(
                    user_id=row["id"],
                    email=row["email"],
                    name=row["name"],
                    org_id=row["org_id"],
                    roles=frozenset(Role(r) for r in row["roles"]),
                    language=row["language"],
                    org_uscc=row["org_uscc"],
                )
                scope["auth"] = secret
        await next_app(scope, receive, send)
