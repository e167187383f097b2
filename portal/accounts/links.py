"""Single-use links sent by e-mail: to verify an address, to reset a password, to join an
organization. Only the token's hash is kept; the mail goes through the outbox, in the same
transaction as the link, so a link exists exactly when its mail will be sent."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import asyncpg

from domain.people import LINK_LIFETIME, LINK_PATH, LinkPurpose, token_invalid
from portal.auth.tokens import new_token, token_hash
from sql import outbox
from sql.queries import Q


async def send(
    conn: asyncpg.Connection,
    now: dt.datetime,
    purpose: LinkPurpose,
    *,
    email: str,
    language: str,
    user_id: UUID | None = None,
    org_id: UUID | None = None,
    org_role: str | None = None,
    created_by: UUID | None = None,
    mail: dict[str, Any] | None = None,
) -> None:
    """Make a link for `email` and queue its mail (`mail`: what its template says besides)."""
    token, digest = new_token()
    await conn.execute(
        Q.insert_account_link,
        digest,
        purpose.value,
        user_id,
        org_id,
        email,
        org_role,
        created_by,
        now,
        now + LINK_LIFETIME[purpose],
    )
    await outbox.emit(
        conn,
        at=now,
        topic=f"account.{purpose.value}",
        payload={
            "to": email,
            "language": language,
            "user_id": str(user_id) if user_id else None,
            "org_role": org_role,
            "token": token,
            "link_path": LINK_PATH[purpose],
            **(mail or {}),
        },
    )


async def use(
    conn: asyncpg.Connection, purpose: LinkPurpose, token: str, now: dt.datetime
) -> asyncpg.Record:
    """Take the link: it holds once, unexpired, for its purpose; 400 `token_invalid` otherwise.

    A password reset first locks its user, so two resets of one account cannot both go through
    (the first to take its link makes every other reset link of the user used).
    """
    digest = token_hash(token[:200])
    if purpose == LinkPurpose.PASSWORD_RESET:
        await conn.execute(Q.lock_link_user, digest)
    link = await conn.fetchrow(Q.use_account_link, digest, purpose.value, now)
    if link is None:
        raise token_invalid()
    return link
