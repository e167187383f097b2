"""How a user proves who they are, beyond a password typed at sign-in: a verified address, a
password reset by e-mail, a password change, an invitation accepted. Each is one transaction;
each link is used once (`portal.accounts.links`)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from domain.accounts import check_password, normalize_email
from domain.errors import RuleViolation
from domain.people import (
    RESEND_VERIFICATION,
    RESET_PER_ACCOUNT,
    RESET_PER_ADDRESS,
    LinkPurpose,
)
from portal.accounts import links
from portal.accounts import schemas as s
from portal.auth import passwords
from portal.auth.principal import Principal
from portal.auth.tokens import token_hash
from portal.errors import ProblemError, too_many
from sql import audit, throttle
from sql.pool import transaction
from sql.queries import Q


async def send_verification(
    conn: asyncpg.Connection, now: dt.datetime, user_id: UUID, email: str, name: str, language: str
) -> None:
    await links.send(
        conn,
        now,
        LinkPurpose.VERIFY_EMAIL,
        email=email,
        language=language,
        user_id=user_id,
        mail={"name": name},
    )


async def verify_email(pool: asyncpg.Pool, now: dt.datetime, token: str) -> None:
    async with transaction(pool) as conn:
        link = await links.use(conn, LinkPurpose.VERIFY_EMAIL, token, now)
        await conn.execute(Q.verify_email, link["user_id"], now)
        await audit.append(
            conn,
            at=now,
            actor=f"user:{link['user_id']}",
            action="user.email_verified",
            entity_type="user",
            entity_id=str(link["user_id"]),
            data={"email": link["email"]},
        )


async def resend_verification(pool: asyncpg.Pool, now: dt.datetime, principal: Principal) -> None:
    """Another verification mail, a few an hour; none for an address already verified."""
    if principal.email_verified:
        return
    key = f"verify-email:{principal.user_id}"
    async with transaction(pool) as conn:
        until = await throttle.admit(conn, key, RESEND_VERIFICATION, now)
        if until is not None:
            raise too_many(until, now)
        await send_verification(
            conn, now, principal.user_id, principal.email, principal.name, principal.language
        )


async def request_reset(pool: asyncpg.Pool, now: dt.datetime, email: str, address: str) -> None:
    """A reset link to `email` if it is an active account's; the caller never learns which."""
    email = normalize_email(email)
    address_key, account_key = f"reset-address:{address}", f"reset-account:{email}"
    async with transaction(pool) as conn:
        until = await throttle.admit(conn, address_key, RESET_PER_ADDRESS, now)
        if until is not None:
            raise too_many(until, now)
        user = await conn.fetchrow(Q.user_by_email, email)
        if user is None or not user["is_active"]:
            return
        if await throttle.admit(conn, account_key, RESET_PER_ACCOUNT, now) is not None:
            return  # quietly: a 429 here would tell that the account exists
        await links.send(
            conn,
            now,
            LinkPurpose.PASSWORD_RESET,
            email=email,
            language=user["language"],
            user_id=user["id"],
            mail={"name": user["name"]},
        )
        await audit.append(
            conn,
            at=now,
            actor="public",
            action="user.password_reset_requested",
            entity_type="user",
            entity_id=str(user["id"]),
            data={"address": address},
        )


async def _end_other_sign_ins(
    conn: asyncpg.Connection,
    user_id: UUID,
    now: dt.datetime,
    *,
    keep_token: bytes | None = None,
    keep_session: bytes | None = None,
) -> None:
    await conn.execute(Q.revoke_user_tokens, user_id, now, keep_token)
    await conn.execute(Q.delete_user_sessions, user_id, keep_session)


async def confirm_reset(pool: asyncpg.Pool, now: dt.datetime, token: str, password: str) -> None:
    """The new password; every other reset link, token and session of the user ends, and the
    account's sign-in lock is lifted. Following the link proves the address, so it is verified."""
    new_hash = await passwords.hash_password(password)  # before the transaction: it takes a while
    async with transaction(pool) as conn:
        link = await links.use(conn, LinkPurpose.PASSWORD_RESET, token, now)
        check_password(password, email=link["email"])
        user_id = link["user_id"]
        await conn.execute(Q.set_password, user_id, new_hash)
        await conn.execute(Q.use_user_links, user_id, LinkPurpose.PASSWORD_RESET.value, now)
        await conn.execute(Q.verify_email, user_id, now)
        await _end_other_sign_ins(conn, user_id, now)
        await throttle.reset(conn, f"account:{link['email']}")
        await audit.append(
            conn,
            at=now,
            actor=f"user:{user_id}",
            action="user.password_reset",
            entity_type="user",
            entity_id=str(user_id),
        )


async def change_password(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    data: s.PasswordChangeIn,
    *,
    keep_token: str | None = None,
    keep_session: str | None = None,
) -> None:
    """With the current password; the caller's own sign-in stays, every other one ends."""
    user = await pool.fetchrow(Q.user_by_id, principal.user_id)
    if user is None or not await passwords.verify_password(
        user["password_hash"], data.current_password
    ):
        raise ProblemError(
            403,
            "invalid_credentials",
            "The current password is wrong.",
            "当前密码不正确。",
        )
    check_password(data.new_password, email=principal.email, field="new_password")
    new_hash = await passwords.hash_password(data.new_password)
    async with transaction(pool) as conn:
        await conn.execute(Q.set_password, principal.user_id, new_hash)
        await _end_other_sign_ins(
            conn,
            principal.user_id,
            now,
            keep_token=token_hash(keep_token) if keep_token else None,
            keep_session=token_hash(keep_session) if keep_session else None,
        )
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="user.password_changed",
            entity_type="user",
            entity_id=str(principal.user_id),
        )


async def accept_invitation(
    pool: asyncpg.Pool, now: dt.datetime, data: s.InvitationAcceptIn
) -> s.AcceptedOut:
    """The invitee's account, its address verified (the link came to it); once per link."""
    new_hash = await passwords.hash_password(data.password)
    async with transaction(pool) as conn:
        link = await links.use(conn, LinkPurpose.INVITATION, data.token, now)
        email = link["email"]
        check_password(data.password, email=email)
        await conn.execute(Q.lock_org, link["org_id"])  # members change one at a time
        user_id = await conn.fetchval(
            Q.insert_member,
            email,
            data.name.strip(),
            new_hash,
            link["org_id"],
            link["org_role"],
            now,
        )
        if user_id is None:
            raise RuleViolation(
                "email_exists",
                "An account with this e-mail already exists; sign in with it instead.",
                message_zh="该电子邮箱已有账号,请直接登录。",
                status=409,
            )
        await audit.append(
            conn,
            at=now,
            actor=f"user:{user_id}",
            action="org.member_joined",
            entity_type="organization",
            entity_id=str(link["org_id"]),
            data={"user_id": str(user_id), "email": email, "role": link["org_role"]},
        )
    return s.AcceptedOut(user=s.UserRef(user_id, email))
