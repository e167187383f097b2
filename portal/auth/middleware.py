"""Resolve the caller before routing; anonymous callers get `scope["user"] = None`.

The API takes bearer tokens; pages take the session cookie. It never refuses a request itself:
the guards on each route decide, so public routes stay public.
"""

from __future__ import annotations

from litestar.datastructures import Headers
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from domain.accounts import Role
from portal.auth.principal import Principal
from portal.auth.tokens import bearer_from_header, token_hash
from sql.queries import Q

SESSION_COOKIE = "portal_session"


def _session_cookie(headers: Headers) -> str | None:
    for raw in headers.getall("cookie", []):
        for part in raw.split(";"):
            name, _, value = part.strip().partition("=")
            if name == SESSION_COOKIE and value:
                return value[:200]
    return None


class AuthMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        scope["auth"] = None
        headers = Headers.from_scope(scope)
        token = bearer_from_header(headers.get("authorization"))
        query, secret = Q.principal_by_token, token
        if token is None and not scope["path"].startswith("/api/"):
            # Cookies never authenticate the API: it needs no CSRF defence that way.
            query, secret = Q.principal_by_session, _session_cookie(headers)
        if secret is not None:
            ctx = scope["app"].state.ctx
            async with ctx.pool.acquire() as conn:
                row = await conn.fetchrow(query, token_hash(secret), ctx.clock.now())
            if row is not None:
                scope["user"] = Principal(
                    user_id=row["id"],
                    email=row["email"],
                    name=row["name"],
                    org_id=row["org_id"],
                    roles=frozenset(Role(r) for r in row["roles"]),
                    language=row["language"],
                )
                scope["auth"] = secret
        await next_app(scope, receive, send)
