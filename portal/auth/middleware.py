"""Resolve the caller before routing; anonymous callers get `scope["user"] = None`.

It never refuses a request itself: the guards on each route decide, so public routes stay public.
"""

from __future__ import annotations

from litestar.datastructures import Headers
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from domain.accounts import Role
from portal.auth.principal import Principal
from portal.auth.tokens import bearer_from_header, token_hash
from sql.queries import Q


class AuthMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        scope["auth"] = None
        token = bearer_from_header(Headers.from_scope(scope).get("authorization"))
        if token is not None:
            ctx = scope["app"].state.ctx
            async with ctx.pool.acquire() as conn:
                row = await conn.fetchrow(Q.principal_by_token, token_hash(token), ctx.clock.now())
            if row is not None:
                scope["user"] = Principal(
                    user_id=row["id"],
                    email=row["email"],
                    name=row["name"],
                    org_id=row["org_id"],
                    roles=frozenset(Role(r) for r in row["roles"]),
                    language=row["language"],
                )
                scope["auth"] = token
        await next_app(scope, receive, send)
