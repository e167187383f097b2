"""Account use cases; each public function is one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

import asyncpg

from domain.accounts import (
    ACCOUNT_THROTTLE,
    ADDRESS_THROTTLE,
    Role,
    check_password,
    normalize_email,
)
from domain.errors import RuleViolation
from domain.people import REGISTER_PER_ADDRESS, OrgRole
from domain.uscc import parse_uscc
from portal.accounts import schemas as s
from portal.accounts.credentials import send_verification
from portal.accounts.identities import Identity
from portal.auth import passwords
from portal.auth.callers import CallerCache
from portal.auth.principal import Principal
from portal.auth.tokens import new_token, token_hash
from portal.errors import ProblemError, too_many
from sql import audit, throttle
from sql.pool import transaction
from sql.queries import Q


def _role_names(roles: Iterable[Role | str]) -> list[s.RoleName]:
    return cast(list[s.RoleName], sorted(str(r) for r in roles))


def _email_taken() -> ProblemError:
    return ProblemError(
        409, "email_exists", "An account with this e-mail already exists.", "该电子邮箱已注册。"
    )


async def register(
    pool: asyncpg.Pool,
    now: datetime,
    data: s.RegisterIn,
    *,
    language: str = "zh",
    identity: Identity | None = None,
    address: str,
) -> s.RegisterOut:
    """The organization and its first user, its admin. The address is verified by the mail
    sent now, or already by the identity provider the registration came from. Throttled per
    client `address` before any work (a refused try counts too)."""
    key = f"register:{address}"
    async with transaction(pool) as conn:
        until = await throttle.admit(conn, key, REGISTER_PER_ADDRESS, now)
        if until is not None:
            raise too_many(until, now)
    uscc = parse_uscc(data.org.uscc, field="org.uscc")
    email = normalize_email(data.user.email)
    verified_at = now if identity is not None and identity.email == email else None
    check_password(data.user.password, email=email, field="user.password")
    password_hash = await passwords.hash_password(data.user.password)
    async with transaction(pool) as conn:
        org = await conn.fetchrow(
            Q.insert_org,
            data.org.name.strip(),
            uscc.code,
            uscc.division_code,
            data.org.contact_name.strip(),
            data.org.contact_phone.strip(),
            now,
        )
        if org is None:
            raise ProblemError(
                409,
                "org_exists",
                "An organization with this USCC is already registered; ask its account holder.",
                "该统一社会信用代码的单位已注册,请联系单位账号管理人。",
            )
        user = await conn.fetchrow(
            Q.insert_user,
            email,
            data.user.name.strip(),
            password_hash,
            org["id"],
            now,
            OrgRole.ORG_ADMIN.value,
            verified_at,
        )
        if user is None:
            raise _email_taken()
        if identity is not None:
            await conn.execute(Q.link_identity, identity.issuer, identity.subject, user["id"], now)
        if verified_at is None:
            await send_verification(conn, now, user["id"], email, data.user.name.strip(), language)
        await audit.append(
            conn,
            at=now,
            actor=f"user:{user['id']}",
            action="org.registered",
            entity_type="organization",
            entity_id=str(org["id"]),
            data={
                "uscc": uscc.code,
                "name": org["name"],
                "user_id": str(user["id"]),
                "email": email,
            },
        )
    return s.RegisterOut(
        org=s.OrgOut(org["id"], org["name"], org["uscc"], org["district_code"]),
        user=s.UserRef(user["id"], user["email"]),
    )


def _retry_after(locked_until: datetime, now: datetime) -> ProblemError:
    seconds = throttle.seconds_left(locked_until, now)
    return ProblemError(
        429,
        "too_many_attempts",
        f"Too many failed sign-ins; try again in {seconds} seconds.",
        f"登录失败次数过多,请在{seconds}秒后重试。",
        headers={"Retry-After": str(seconds)},
    )


async def authenticate(
    pool: asyncpg.Pool, now: datetime, email: str, password: str, address: str
) -> asyncpg.Record:
    """The user these credentials belong to, or 401; throttled per account and per address.

    Each try counts as a failure before its password is checked and is taken back once it proves
    right: tries sent at once meet the limit, where a read of the count let them all through."""
    email = normalize_email(email)
    rules = ((f"account:{email}", ACCOUNT_THROTTLE), (f"address:{address}", ADDRESS_THROTTLE))
    async with transaction(pool) as conn:
        for key, rule in rules:
            locked = await throttle.admit(conn, key, rule, now)
            if locked is not None:
                raise _retry_after(locked, now)
        user = await conn.fetchrow(Q.user_for_login, email)
    stored = user["password_hash"] if user is not None and user["is_active"] else None
    if await passwords.verify_password(stored, password):
        async with transaction(pool) as conn:
            for key, rule in rules:
                await throttle.forgive(conn, key, rule)
    else:
        raise ProblemError(
            401,
            "invalid_credentials",
            "The e-mail or password is wrong.",
            "邮箱或密码错误。",
            headers={"WWW-Authenticate": "Bearer"},
        )
    assert user is not None
    return user


async def after_login(
    conn: asyncpg.Connection, user: asyncpg.Record, email: str, password: str
) -> None:
    """A successful sign-in clears the account's failures and upgrades an old hash."""
    await throttle.reset(conn, f"account:{normalize_email(email)}")
    if passwords.needs_rehash(user["password_hash"]):
        await conn.execute(
            Q.update_password_hash, user["id"], await passwords.hash_password(password)
        )


async def issue_token(
    pool: asyncpg.Pool, now: datetime, data: s.LoginIn, address: str, ttl: timedelta
) -> s.TokenOut:
    user = await authenticate(pool, now, data.email, data.password, address)
    token, digest = new_token()
    async with transaction(pool) as conn:
        await after_login(conn, user, data.email, data.password)
        await conn.execute(Q.insert_token, digest, user["id"], now, now + ttl)
        await audit.append(
            conn,
            at=now,
            actor=f"user:{user['id']}",
            action="token.issued",
            entity_type="user",
            entity_id=str(user["id"]),
            data={
                "token": digest.hex()[:16],
                "expires_at": (now + ttl).isoformat(),
                "address": address,
            },
        )
    return s.TokenOut(access_token=token, expires_in=int(ttl.total_seconds()))


async def revoke_token(pool: asyncpg.Pool, now: datetime, principal: Principal, token: str) -> None:
    digest = token_hash(token)
    async with transaction(pool) as conn:
        if await conn.fetchval(Q.revoke_token, digest, now) is not None:
            await audit.append(
                conn,
                at=now,
                actor=principal.actor,
                action="token.revoked",
                entity_type="user",
                entity_id=str(principal.user_id),
                data={"token": digest.hex()[:16]},
            )


async def me(pool: asyncpg.Pool, principal: Principal) -> s.MeOut:
    org = None
    if principal.org_id is not None:
        async with pool.acquire() as conn:
            row = await conn.fetchrow(Q.org_by_id, principal.org_id)
        if row is not None:
            org = s.MeOrg(
                id=row["id"],
                name=row["name"],
                uscc=row["uscc"],
                district_code=row["district_code"],
                registered_in_wuhan=parse_uscc(row["uscc"]).registered_in_wuhan,
                contact_name=row["contact_name"],
                contact_phone=row["contact_phone"],
            )
    return s.MeOut(
        user=s.MeUser(
            id=principal.user_id,
            email=principal.email,
            name=principal.name,
            roles=_role_names(principal.roles),
            language=principal.language,
            email_verified=principal.email_verified,
            org_role=cast(Any, principal.org_role),
        ),
        org=org,
    )


async def create_staff_user(
    pool: asyncpg.Pool, now: datetime, actor: str, data: s.StaffUserIn
) -> UUID:
    """Used by the admin API and by `portal users create` (actor 'cli')."""
    email = normalize_email(data.email)
    check_password(data.password, email=email)
    roles = sorted({Role(r) for r in data.roles})
    password_hash = await passwords.hash_password(data.password)
    granted_by = UUID(actor.removeprefix("user:")) if actor.startswith("user:") else None
    async with transaction(pool) as conn:
        user = await conn.fetchrow(
            Q.insert_user, email, data.name.strip(), password_hash, None, now, None, now
        )
        if user is None:
            raise _email_taken()
        for role in roles:
            await conn.execute(Q.grant_role, user["id"], role.value, now, granted_by)
        districts = sorted(set(data.districts))
        if districts:
            await conn.execute(Q.set_districts, user["id"], districts)
        await audit.append(
            conn,
            at=now,
            actor=actor,
            action="user.created",
            entity_type="user",
            entity_id=str(user["id"]),
            data={"email": email, "roles": [r.value for r in roles], "districts": districts},
        )
    return user["id"]  # type: ignore[no-any-return]


async def _staff_for_update(conn: asyncpg.Connection, user_id: UUID) -> asyncpg.Record:
    row = await conn.fetchrow(Q.staff_user_for_update, user_id)
    if row is None or row["org_id"] is not None:
        raise ProblemError(
            404, "not_found", "No staff user with this id.", "未找到该工作人员账号。"
        )
    return row


async def set_roles(
    pool: asyncpg.Pool, now: datetime, principal: Principal, user_id: UUID, data: s.RolesIn
) -> s.StaffUserOut:
    roles = sorted({Role(r) for r in data.roles})
    if user_id == principal.user_id and Role.ADMIN not in roles:
        raise RuleViolation(
            "cannot_remove_own_admin",
            "You cannot take the admin role from yourself.",
            message_zh="不能撤销自己的管理员角色。",
            field="roles",
            status=409,
        )
    async with transaction(pool) as conn:
        row = await _staff_for_update(conn, user_id)
        before = sorted(row["roles"])
        await conn.execute(Q.revoke_roles, user_id)
        for role in roles:
            await conn.execute(Q.grant_role, user_id, role.value, now, principal.user_id)
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="user.roles_changed",
            entity_type="user",
            entity_id=str(user_id),
            data={"from": before, "to": [r.value for r in roles]},
        )
    return s.StaffUserOut(
        row["id"],
        row["email"],
        row["name"],
        _role_names(roles),
        row["is_active"],
        list(row["districts"]),
    )


async def list_staff(pool: asyncpg.Pool) -> list[s.StaffUserOut]:
    """Every staff user. Staff accounts are the city's to administer: the routes that call this
    and the changes below are city admins' only (`portal.auth.guards.city_staff`)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(Q.list_staff_users)
    return [
        s.StaffUserOut(
            r["id"], r["email"], r["name"], list(r["roles"]), r["is_active"], list(r["districts"])
        )
        for r in rows
    ]


async def set_districts(
    pool: asyncpg.Pool,
    now: datetime,
    principal: Principal,
    user_id: UUID,
    data: s.DistrictsIn,
    callers: CallerCache,
) -> s.StaffUserOut:
    """A staff account's scope: the city (none) or these districts. Its sign-ins end at once,
    so that no request goes on with the old scope."""
    districts: list[str] = sorted(set(data.districts))
    async with transaction(pool) as conn:
        row = await _staff_for_update(conn, user_id)
        digests = [r["token_hash"] for r in await conn.fetch(Q.user_tokens, user_id)]
        await conn.execute(Q.set_districts, user_id, districts)
        await conn.execute(Q.revoke_user_tokens, user_id, now, None)
        await conn.execute(Q.delete_user_sessions, user_id, None)
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="user.scope_changed",
            entity_type="user",
            entity_id=str(user_id),
            data={"from": list(row["districts"]), "to": districts},
        )
    for digest in digests:
        callers.evict(digest)
    return s.StaffUserOut(
        row["id"], row["email"], row["name"], _role_names(row["roles"]), row["is_active"], districts
    )


async def set_active(
    pool: asyncpg.Pool,
    now: datetime,
    principal: Principal,
    user_id: UUID,
    active: bool,
    callers: CallerCache,
) -> s.StaffUserOut:
    """A staff account off (its tokens and sessions end at once) or on again."""
    if user_id == principal.user_id and not active:
        raise RuleViolation(
            "cannot_deactivate_self",
            "You cannot deactivate your own account.",
            message_zh="不能停用自己的账号。",
            status=409,
        )
    async with transaction(pool) as conn:
        row = await _staff_for_update(conn, user_id)
        digests = [r["token_hash"] for r in await conn.fetch(Q.user_tokens, user_id)]
        await conn.execute(Q.set_active, user_id, active)
        if not active:
            await conn.execute(Q.revoke_user_tokens, user_id, now, None)
            await conn.execute(Q.delete_user_sessions, user_id, None)
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="user.activated" if active else "user.deactivated",
            entity_type="user",
            entity_id=str(user_id),
            data={"email": row["email"]},
        )
    for digest in digests:
        callers.evict(digest)
    return s.StaffUserOut(
        row["id"],
        row["email"],
        row["name"],
        _role_names(row["roles"]),
        active,
        list(row["districts"]),
    )
