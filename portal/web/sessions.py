"""Browser sessions: a new id at every sign-in, ended on the server at sign-out."""

from __future__ import annotations

import datetime as dt

import asyncpg

from portal.accounts.services import after_login, authenticate
from portal.auth.principal import Principal
from portal.auth.tokens import new_token, token_hash
from sql import audit
from sql.pool import transaction
from sql.queries import Q

SESSION_TTL = dt.timedelta(hours=8)


async def open_session(
    pool: asyncpg.Pool, now: dt.datetime, email: str, password: str, address: str
) -> str:
    """Sign in and return the new session's cookie value; any cookie sent before is ignored."""
    user = await authenticate(pool, now, email, password, address)
    secret, digest = new_token()
    async with transaction(pool) as conn:
        await after_login(conn, user, email, password)
        await conn.execute(Q.insert_session, digest, user["id"], now, now + SESSION_TTL)
        await audit.append(
            conn,
            at=now,
            actor=f"user:{user['id']}",
            action="session.opened",
            entity_type="user",
            entity_id=str(user["id"]),
            data={"session": digest.hex()[:16], "address": address},
        )
    return secret


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
