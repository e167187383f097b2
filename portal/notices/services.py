"""Notices: issued once per kind and subject (the first request writes the facts and an audit
event in one transaction; later ones print the same facts again), printed as PDF, and checked by
anyone with the code printed on them."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from uuid import UUID

import asyncpg
import typst

from domain.clock import business_date
from domain.lifecycle import Status
from domain.money import Money
from domain.notices import (
    APPLICATION_KINDS,
    CODE_BYTES,
    PER_ADDRESS,
    TITLE_EN,
    TITLE_ZH,
    Kind,
    check_available,
    code_from,
    digest_of,
    edition_of,
    in_force,
    normalize_code,
    publicity_open,
)
from portal.applications.views import application_out
from portal.auth.principal import Principal
from portal.errors import ProblemError, too_many
from portal.notices import facts as f
from portal.notices import render
from portal.notices import schemas as s
from sql import audit, throttle
from sql.application_types import is_prior
from sql.pool import transaction
from sql.queries import Q
from sql.settings import Settings


def _no_such_kind(kind: str, kinds: frozenset[Kind]) -> ProblemError:
    names = ", ".join(sorted(kinds))
    return ProblemError(
        404, "not_found", f"No notice of kind '{kind}': one of {names}.", f"没有该类文书:{kind}。"
    )


def _batch_not_found() -> ProblemError:
    return ProblemError(404, "not_found", "No such publicity batch.", "未找到该公示批次。")


def notice_not_found() -> ProblemError:
    return ProblemError(
        404,
        "notice_not_found",
        "No notice has this code. Check it against the paper: 16 letters and digits, printed as "
        "XXXX-XXXX-XXXX-XXXX.",
        "未找到该验证码对应的文书。请核对纸质文书上的验证码:"
        "16位字母和数字,格式为 XXXX-XXXX-XXXX-XXXX。",
    )


async def _throttled(pool: asyncpg.Pool, now: dt.datetime, key: str) -> None:
    """Count one anonymous request on `key`, in its own transaction so that a miss counts too;
    refused while the key is locked."""
    async with transaction(pool) as conn:
        until = await throttle.admit(conn, key, PER_ADDRESS, now)
        if until is not None:
            raise too_many(until, now)


async def _issue(
    conn: asyncpg.Connection,
    kind: Kind,
    subject_id: UUID,
    edition: int,
    facts: dict[str, Any],
    now: dt.datetime,
    by: Principal | None,
) -> asyncpg.Record:
    """Write the notice and its audit event; when another request issued it first, theirs."""
    digest = digest_of(facts)
    row = await conn.fetchrow(
        Q.insert_notice,
        facts["code"],
        kind.value,
        subject_id,
        edition,
        facts,
        digest,
        now,
        by.user_id if by else None,
    )
    if row is None:  # lost the race: the unique key kept the other one
        row = await conn.fetchrow(Q.notice_of, kind.value, subject_id, edition)
        assert row is not None
        return row
    await audit.append(
        conn,
        at=now,
        actor=by.actor if by else "public",
        action="notice_issued",
        entity_type="notice",
        entity_id=facts["code"],
        data={
            "code": facts["code"],
            "digest": digest,
            "kind": kind.value,
            "subject_id": str(subject_id),
            "edition": edition,
            "actor_name": by.name if by else "公众",
        },
    )
    return row


def _new_code() -> str:
    return code_from(secrets.token_bytes(CODE_BYTES))


async def application_notice(
    pool: asyncpg.Pool,
    settings: Settings,
    now: dt.datetime,
    principal: Principal,
    application_id: UUID,
    kind_name: str,
) -> s.NoticeFile:
    """An application's filing notice, award decision or payment advice, for its organization
    and staff; issued on the first request once the application has reached the status."""
    try:
        kind = Kind(kind_name)
    except ValueError:
        raise _no_such_kind(kind_name, APPLICATION_KINDS) from None
    if kind not in APPLICATION_KINDS:
        raise _no_such_kind(kind_name, APPLICATION_KINDS)
    async with transaction(pool) as conn:
        app = await application_out(conn, application_id, principal, "zh")  # 404: not theirs
        check_available(kind, await is_prior(conn, app.type), Status(app.status))
        fonts = await render.fonts_in(settings.pdf_font_dir)  # 503 before anything is issued
        edition = edition_of(kind, [h.action for h in app.history])
        notice = await conn.fetchrow(Q.notice_of, kind.value, application_id, edition)
        if notice is None:
            row = await conn.fetchrow(Q.application_by_id, application_id)
            code = _new_code()
            reference = app.reference or str(app.id)
            facts = f.base(kind, code, reference, edition, business_date(now), settings.public_url)
            facts |= await f.application_facts(conn, kind, app, row)
            notice = await _issue(conn, kind, application_id, edition, facts, now, principal)
    return await _file(fonts, notice)


async def publicity_notice(
    pool: asyncpg.Pool,
    settings: Settings,
    now: dt.datetime,
    principal: Principal | None,
    batch_id: UUID,
    address: str,
) -> s.NoticeFile:
    """A publicity batch's notice, for anyone once its period has begun (throttled per address:
    printing costs the server more than a page does)."""
    await _throttled(pool, now, f"notice-pdf:{address}")
    async with transaction(pool) as conn:
        batch = await conn.fetchrow(Q.batch_for_notice, batch_id)
        if batch is None:
            raise _batch_not_found()
        publicity_open(batch["starts_on"], business_date(now))
        fonts = await render.fonts_in(settings.pdf_font_dir)
        notice = await conn.fetchrow(Q.notice_of, Kind.PUBLICITY.value, batch_id, 1)
        if notice is None:
            code = _new_code()
            facts = f.base(
                Kind.PUBLICITY,
                code,
                f.batch_reference(batch),
                1,
                business_date(now),
                settings.public_url,
            )
            facts |= await f.publicity_facts(conn, batch, settings.public_url)
            notice = await _issue(conn, Kind.PUBLICITY, batch_id, 1, facts, now, principal)
    return await _file(fonts, notice)


async def _file(fonts: typst.Fonts, notice: asyncpg.Record) -> s.NoticeFile:
    facts = notice["facts"]
    content = await render.pdf(fonts, facts, notice["issued_at"])
    return s.NoticeFile(content, facts["reference"], facts["kind"], notice["code"])


async def verify(
    pool: asyncpg.Pool, now: dt.datetime, code_text: str, address: str, language: str
) -> s.VerifiedNotice:
    """What a notice says, by the code printed on it, and whether it is unchanged since issue
    (its digest recomputed and compared with the stored one and the audit trail's)."""
    await _throttled(pool, now, f"notice-verify:{address}")
    code = normalize_code(code_text)
    async with pool.acquire() as conn:
        notice = await conn.fetchrow(Q.notice_by_code, code) if code else None
        if notice is None:
            raise notice_not_found()
        facts: dict[str, Any] = notice["facts"]
        digest = digest_of(facts)
        events = await conn.fetch(Q.notice_issued_events, code)
        audit_matches = digest == notice["digest"] and any(
            e["data"].get("digest") == digest and e["data"].get("code") == code for e in events
        )
        kind = Kind(notice["kind"])
        status: Status | None = None
        stands = True
        if kind in APPLICATION_KINDS:
            app = await conn.fetchrow(Q.application_by_id, notice["subject_id"])
            history = await conn.fetch(Q.audit_for_entity, "application", str(app["id"]))
            status = Status(app["status"])
            actions = [h["action"].removeprefix("application.") for h in history]
            stands = in_force(kind, status) and notice["edition"] == edition_of(kind, actions)
    zh = language == "zh"
    fen = facts.get("amount_fen", facts.get("total_fen"))
    amount = Money(fen) if isinstance(fen, int) else None
    return s.VerifiedNotice(
        code=notice["code"],
        genuine=True,
        kind=kind.value,
        title=TITLE_ZH[kind] if zh else TITLE_EN[kind],
        reference=facts["reference"],
        org_name=facts["org"]["name"] if "org" in facts else None,
        amount=str(amount) if amount is not None else None,
        amount_wan=None
        if amount is None
        else (amount.display_wan() if zh else amount.display_millions()),
        count=facts.get("count"),
        issued_on=dt.date.fromisoformat(facts["issued_on"]),
        issued_at=notice["issued_at"],
        digest=digest,
        audit_matches=audit_matches,
        in_force=stands,
        status=status.value if status is not None else None,
    )
