"""The organization's file (一企一档) and its people: contact details, the bank account on file,
colleagues invited and removed, and its history with the portal. Members read; org admins change.
Every change is on the audit trail; membership changes take the organization's row lock, so two
admins removing each other cannot leave it with none."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from uuid import UUID

import asyncpg
import msgspec

from domain.accounts import normalize_email
from domain.errors import RuleViolation
from domain.money import fen_text
from domain.people import LINK_LIFETIME, LinkPurpose, OrgRole, check_removal
from portal.accounts import links
from portal.applications.payee import Payee
from portal.auth.callers import CallerCache
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.organizations import schemas as s
from sql import audit
from sql.pool import transaction
from sql.queries import Q


def _not_found() -> ProblemError:
    return ProblemError(404, "not_found", "No such organization.", "未找到该单位。")


def _out(row: asyncpg.Record) -> s.OrgOut:
    bank = row["bank_account"]
    return s.OrgOut(
        id=row["id"],
        name=row["name"],
        uscc=row["uscc"],
        district_code=row["district_code"],
        contact_name=row["contact_name"],
        contact_phone=row["contact_phone"],
        address=row["address"],
        bank_account=msgspec.convert(bank, Payee) if bank else None,
    )


async def get_org(pool: asyncpg.Pool, org_id: UUID) -> s.OrgOut:
    row = await pool.fetchrow(Q.org_profile, org_id)
    if row is None:
        raise _not_found()
    return _out(row)


async def _changed(
    conn: asyncpg.Connection,
    now: dt.datetime,
    principal: Principal,
    action: str,
    data: dict[str, Any],
) -> None:
    await audit.append(
        conn,
        at=now,
        actor=principal.actor,
        action=f"org.{action}",
        entity_type="organization",
        entity_id=str(principal.org_id),
        data={"actor_name": principal.name, **data},
    )


async def update_contact(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, data: s.OrgPatch
) -> s.OrgOut:
    async with transaction(pool) as conn:
        row = await conn.fetchrow(Q.org_profile_for_update, principal.org_id)
        if row is None:
            raise _not_found()
        before = {k: row[k] for k in ("contact_name", "contact_phone", "address")}
        after = {
            k: (v.strip() if isinstance(v, str) else before[k])
            for k, v in msgspec.structs.asdict(data).items()
        }
        await conn.execute(
            Q.update_org_contact,
            principal.org_id,
            after["contact_name"],
            after["contact_phone"],
            after["address"],
        )
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if changes:
            await _changed(conn, now, principal, "profile_changed", {"changes": changes})
    return await get_org(pool, cast(UUID, principal.org_id))


async def set_bank_account(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, data: Payee
) -> s.OrgOut:
    """The account claims are paid to when they name none (copied into each at its submit)."""
    account = {k: str(v).strip() for k, v in msgspec.structs.asdict(data).items()}
    async with transaction(pool) as conn:
        await conn.execute(Q.set_bank_account, principal.org_id, account)
        await _changed(conn, now, principal, "bank_account_set", {"bank_account": account})
    return await get_org(pool, cast(UUID, principal.org_id))


async def members(pool: asyncpg.Pool, org_id: UUID) -> s.MemberList:
    return s.MemberList(
        [
            s.MemberOut(r["id"], r["email"], r["name"], r["org_role"], r["verified"])
            for r in await pool.fetch(Q.org_members, org_id)
        ]
    )


async def invitations(pool: asyncpg.Pool, org_id: UUID, now: dt.datetime) -> s.InvitationList:
    return s.InvitationList(
        [
            s.InvitationOut(r["email"], r["org_role"], r["expires_at"])
            for r in await pool.fetch(Q.open_invitations, org_id, now)
        ]
    )


async def invite(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, data: s.InvitationIn
) -> s.InvitationOut:
    """A single-use link to join, valid 7 days; a new one to an address replaces the open one."""
    email = normalize_email(data.email)
    async with transaction(pool) as conn:
        org = await conn.fetchrow(Q.org_profile_for_update, principal.org_id)
        existing = await conn.fetchrow(Q.user_by_email, email)
        if existing is not None and (existing["is_active"] or existing["org_id"] != org["id"]):
            raise RuleViolation(
                "email_exists",
                "This address already has an account; it cannot be invited.",
                field="email",
                message_zh="该电子邮箱已有账号,不能邀请。",
                status=409,
            )
        await conn.execute(Q.withdraw_invitations, org["id"], email, now)
        await links.send(
            conn,
            now,
            LinkPurpose.INVITATION,
            email=email,
            language=principal.language,
            org_id=org["id"],
            org_role=data.role,
            created_by=principal.user_id,
            mail={"organization": org["name"], "inviter": principal.name},
        )
        await _changed(conn, now, principal, "member_invited", {"email": email, "role": data.role})
    return s.InvitationOut(email, data.role, now + LINK_LIFETIME[LinkPurpose.INVITATION])


async def _member_changing(
    conn: asyncpg.Connection, principal: Principal, user_id: UUID, to: OrgRole | None
) -> tuple[asyncpg.Record, list[bytes]]:
    """The member, locked with their organization (so two admins' changes queue), once it is
    sure the organization keeps an admin after they become `to` (None: are removed); and the
    digests of their tokens, for the caller cache to forget."""
    await conn.execute(Q.lock_org, principal.org_id)
    member = await conn.fetchrow(Q.org_member_for_update, user_id, principal.org_id)
    if member is None:
        raise ProblemError(404, "not_found", "No such member.", "未找到该成员。")
    check_removal(
        target=OrgRole(member["org_role"]),
        other_admins=await conn.fetchval(Q.other_org_admins, principal.org_id, user_id),
        to=to,
    )
    return member, [r["token_hash"] for r in await conn.fetch(Q.user_tokens, user_id)]


async def set_member_role(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    user_id: UUID,
    role: str,
    callers: CallerCache,
) -> s.MemberOut:
    """A member made admin, or an admin made a member; the organization keeps an admin. What
    the member may do changes at their next request (this process forgets their cached sign-ins;
    other processes check the role stored now on every guarded write)."""
    async with transaction(pool) as conn:
        member, digests = await _member_changing(conn, principal, user_id, OrgRole(role))
        row = await conn.fetchrow(Q.set_org_role, user_id, role)
        if member["org_role"] != role:
            await _changed(
                conn,
                now,
                principal,
                "member_role_changed",
                {"user_id": str(user_id), "email": member["email"], "role": role},
            )
    for digest in digests:
        callers.evict(digest)
    return s.MemberOut(row["id"], row["email"], row["name"], row["org_role"], row["verified"])


async def remove_member(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    user_id: UUID,
    callers: CallerCache,
) -> None:
    """The member's account stops at once: its tokens and sessions end, and this process forgets
    it (other processes' cached callers are checked against the database by every write)."""
    async with transaction(pool) as conn:
        member, digests = await _member_changing(conn, principal, user_id, None)
        await conn.execute(Q.set_active, user_id, False)
        await conn.execute(Q.revoke_user_tokens, user_id, now, None)
        await conn.execute(Q.delete_user_sessions, user_id, None)
        await _changed(
            conn,
            now,
            principal,
            "member_removed",
            {"user_id": str(user_id), "email": member["email"]},
        )
    for digest in digests:
        callers.evict(digest)


async def history(pool: asyncpg.Pool, org_id: UUID, language: str) -> s.HistoryOut:
    zh = language == "zh"
    async with pool.acquire() as conn:
        counts = await conn.fetch(Q.org_history_counts, org_id)
        money = await conn.fetchrow(Q.org_history_money, org_id)
    return s.HistoryOut(
        applications=[
            s.CountOut(
                r["program_code"], r["title_zh"] if zh else r["title_en"], r["status"], r["n"]
            )
            for r in counts
        ],
        awarded=fen_text(money["awarded"]),
        paid=fen_text(money["paid"]),
        repaid=fen_text(money["repaid"]),
    )


async def in_scope(
    conn: asyncpg.Connection | asyncpg.Pool, principal: Principal, org_id: UUID
) -> bool:
    """Whether the organization exists and is within a staff member's scope: the city's staff
    reach every one; a district's, those registered in their districts or with an application
    lodged there (submitted at least once: a draft, which anyone may start naming any district,
    opens no firm's file)."""
    return bool(await conn.fetchval(Q.org_in_scope, org_id, principal.scope()))


async def staff_get_org(pool: asyncpg.Pool, principal: Principal, org_id: UUID) -> s.OrgOut:
    """An organization's file as a staff member reads it: 404 outside their scope, as an
    application of another district is."""
    if not await in_scope(pool, principal, org_id):
        raise _not_found()
    return await get_org(pool, org_id)
