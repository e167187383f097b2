"""Browser sessions: a new id at every sign-in, ended on the server at sign-out."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg
from litestar import Response

from portal.accounts.services import after_login, authenticate
from portal.auth.middleware import SESSION_COOKIE
from portal.auth.principal import Principal
from portal.auth.tokens import new_token, token_hash
from sql import audit
from sql.pool import transaction
from sql.queries import Q

SESSION_TTL = dt.timedelta(hours=8)


def safe_next(target: str | None, default: str) -> str:
    # Only local paths: never an open redirect.
    return target if target and target.startswith("/") and not target.startswith("//") else default


def set_cookie(response: Response[object], secret: str, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


async def _open(
    conn: asyncpg.Connection, now: dt.datetime, user_id: UUID, data: dict[str, str]
) -> str:
    secret, digest = new_token()
    await conn.execute(Q.insert_session, digest, user_id, now, now + SESSION_TTL)
    await audit.append(
        conn,
        at=now,
        actor=f"user:{user_id}",
        action="session.opened",
        entity_type="user",
        entity_id=str(user_id),
        data={"session": digest.hex()[:16], **data},
    )
    return secret


async def open_session(
    pool: asyncpg.Pool, now: dt.datetime, email: str, password: str, address: str
) -> str:
    """Sign in and return the new session's cookie value; any cookie sent before is ignored."""
    user = await authenticate(pool, now, email, password, address)
    async with transaction(pool) as conn:
        await after_login(conn, user, email, password)
        return await _open(conn, now, user["id"], {"address": address})


async def open_session_for(
    pool: asyncpg.Pool, now: dt.datetime, user_id: UUID, address: str, *, via: str
) -> str:
    """A session for a user someone else vouched for (the identity provider)."""
    async with transaction(pool) as conn:
        return await _open(conn, now, user_id, {"address": address, "via": via})


async def close_session(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, secret: str
) -> None:
    digest = token_hash(secret)
    async with transaction(pool) as conn:
        if await conn.fetchval(Q.delete_session, digest) is not None:
            await audit.append(
                conn,
                at=now,
                actor=principal.actor,
                action="session.closed",
                entity_type="user",
                entity_id=str(principal.user_id),
                data={"session": digest.hex()[:16]},
            )


async def set_language(pool: asyncpg.Pool, principal: Principal, language: str) -> None:
    await pool.execute(Q.set_language, principal.user_id, language)
