"""The applicant's side of the lifecycle: drafts, edits, submission, withdrawal, lists."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar.exceptions import NotAuthorizedException
from uuid_utils.compat import uuid7

from domain.errors import RuleViolation
from domain.fingerprint import fingerprint
from domain.lifecycle import EDITABLE, Action, Actor, Status, next_status
from domain.people import email_not_verified
from portal.applications import schemas as s
from portal.applications.types import Draft, line_to_wire, lines_from_rows
from portal.applications.views import (
    application_out,
    assemble,
    decode_cursor,
    encode_cursor,
    history_entry,
    is_staff,
    not_found,
    summary,
)
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.programs import engine
from portal.programs.forms import (
    Bound,
    Submitted,
    as_sent,
    bound,
    bound_of,
    forget_in_effect,
    in_effect,
    note_in_effect,
    program_of,
    submitted,
)
from portal.programs.services import no_version_in_effect
from sql import audit, outbox
from sql.application_types import is_prior
from sql.applications import ActorRef, lock, record_transition
from sql.pool import transaction
from sql.queries import Q


def _actor(principal: Principal) -> ActorRef:
    return ActorRef(principal.actor, principal.name)


def rule_problem(violations: list[RuleViolation]) -> ProblemError:
    """Many reasons at once; the first one's code stands for them all."""
    first = violations[0]
    return ProblemError(
        first.status if len(violations) == 1 else 422,
        first.code,
        "; ".join(v.message for v in violations),
        ";".join(v.message_zh for v in violations),
        errors=violations,
    )


def _document_ids(payload: dict[str, Any], draft: Draft) -> set[UUID]:
    ids = {UUID(str(d["document_id"])) for d in payload.get("documents", [])}
    for line in draft.lines:
        ids.update(line.document_ids)
    return ids


async def _check_documents(conn: asyncpg.Connection, org_id: UUID, draft: Draft) -> None:
    wanted = _document_ids(draft.payload, draft)
    if not wanted:
        return
    owned = {r["id"] for r in await conn.fetch(Q.documents_owned, org_id, list(wanted))}
    missing = sorted(str(d) for d in wanted - owned)
    if missing:
        raise RuleViolation(
            "unknown_document",
            f"Upload these documents first: {', '.join(missing)}.",
            field="documents",
            message_zh=f"请先上传这些文件:{', '.join(missing)}。",
        )


def _line_rows(draft: Draft) -> list[dict[str, Any]]:
    """The lines as `insert_lines` and `create_application` take them: one JSON array."""
    return [
        {
            "line_no": i,
            "kind": x.kind,
            "category": x.category,
            "description": x.description,
            "amount_fen": x.amount.fen,
            "invoice_numbers": list(x.invoice_numbers),
            "document_ids": [str(d) for d in x.document_ids],
        }
        for i, x in enumerate(draft.lines)
    ]


async def _write_lines(conn: asyncpg.Connection, application_id: UUID, draft: Draft) -> None:
    if draft.lines:  # one statement for all of them
        await conn.execute(Q.insert_lines, application_id, _line_rows(draft))


def _claim_exists() -> RuleViolation:
    return RuleViolation(
        "claim_exists",
        "This filing already has a claim in progress.",
        field="filing_id",
        message_zh="该备案已有正在办理的兑现申报。",
        status=409,
    )


async def _drafting(
    conn: asyncpg.Connection,
    sent: Submitted,
    org_id: UUID,
    today: dt.date,
    version: int | None = None,
) -> tuple[str, Bound, Draft]:
    """The organization's USCC and the program version in effect (one read), then the draft
    read against that version's form, or against `version`'s: the one an edited draft was
    started under. A claim is read under the version of the earlier application it points to."""
    code = await program_of(conn, sent)
    org = await conn.fetchrow(Q.drafting_context, org_id, code, today)
    if org["program_version"] is not None:
        note_in_effect(code, org["program_version"], org["effective_from"], org["effective_to"])
    elif version is None:
        raise await no_version_in_effect(conn, code, today)
    b = await bound(conn, code, version or org["program_version"], sent.type)
    draft = await engine.draft(conn, b, org_id, sent)
    if draft.program_version not in (None, b.version):  # its earlier application's governs it
        b = await bound(conn, code, int(draft.program_version), sent.type)
        draft = await engine.draft(conn, b, org_id, sent)
    await _check_documents(conn, org_id, draft)
    return str(org["uscc"]), b, draft


async def _insert_draft(
    conn: asyncpg.Connection,
    now: dt.datetime,
    today: dt.date,
    org_id: UUID,
    author: Principal,
    data: Submitted,
    *,
    proposed: bool = False,
) -> tuple[asyncpg.Record, Draft]:
    """Check and write a new draft; returns its row (as `application_by_id` has it) and draft.

    The reads come first (the context, the earlier application, the documents); then one
    statement writes the application, its lines, the outbox row and the audit event. In the
    caller's transaction if there is one; on its own it is a transaction by itself. A form that
    reads nothing to draft, filed by a member of the organization, skips the context when the
    process has the version in effect at hand: the caller carries the USCC, and the write checks
    that version still governs (a round trip less; a version published since costs a retry).
    """
    uscc = author.org_uscc if author.org_id == org_id else None
    noted = in_effect(await program_of(conn, data), data.type, today) if uscc else None
    if uscc is not None and noted is not None and engine.reads_nothing(noted):
        b, guard = noted, noted.version
        draft = await engine.draft(conn, b, org_id, data)
        await _check_documents(conn, org_id, draft)
    else:
        uscc, b, draft = await _drafting(conn, data, org_id, today)
        guard = None
    app_id = uuid7()  # time-ordered: its indexes grow at one end (migration 0020)
    topic = "application.proposed" if proposed else "application.created"
    token = author.unverified_token()
    try:
        row: asyncpg.Record | None = await conn.fetchrow(
            Q.create_application,
            app_id,
            org_id,
            data.type,
            b.code,
            draft.program_version,
            draft.title,
            draft.payload,
            draft.filing_id,
            draft.amount_requested.fen if draft.amount_requested is not None else None,
            author.user_id,
            now,
            fingerprint(uscc, draft.subject or ""),
            author.user_id if proposed else None,
            _line_rows(draft),
            topic,
            {
                "application_id": str(app_id),
                "org_id": str(org_id),
                "type": data.type,
                "program_code": b.code,
                "action": topic.split(".")[1],
            },
            author.actor,
            {"to_status": "draft", "actor_name": author.name, "type": data.type},
            outbox.wakes_relay(topic),
            today,
            token,
            guard,
        )
    except asyncpg.UniqueViolationError as exc:
        if exc.table_name != "applications":
            raise
        raise _claim_exists() from None
    if row is None and guard is not None:  # another version governs now: read it
        forget_in_effect(b.code)
        return await _insert_draft(conn, now, today, org_id, author, data, proposed=proposed)
    if row is None:  # the cached caller's token no longer holds: nothing was written
        raise NotAuthorizedException()
    author.verified_by_statement()
    return row, draft


async def insert_draft(
    conn: asyncpg.Connection,
    now: dt.datetime,
    today: dt.date,
    org_id: UUID,
    author: Principal,
    data: Submitted,
    *,
    proposed: bool = False,
) -> UUID:
    """Write a new draft with its lines, audit event and outbox row; the caller's transaction."""
    row, _ = await _insert_draft(conn, now, today, org_id, author, data, proposed=proposed)
    app_id: UUID = row["id"]
    return app_id


async def create(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    body: dict[str, Any] | Submitted,
    language: str,
) -> s.ApplicationOut:
    async with pool.acquire() as conn:
        data = body if isinstance(body, Submitted) else await submitted(conn, body)
        # No explicit transaction: the reads need none, and the write is one statement (see
        # `_insert_draft`), a transaction by itself: no BEGIN or COMMIT round trips.
        assert principal.org_id is not None  # the route's guard: org members only
        row, draft = await _insert_draft(conn, now, today, principal.org_id, principal, data)
        if is_staff(principal):  # staff see flags, which need the database
            return await application_out(conn, row["id"], principal, language)
    # What application_out would read back: the row as stored, the lines as written, and the
    # one audit event just appended.
    history = [
        history_entry(
            row["created_at"],
            principal.actor,
            "application.created",
            {"to_status": "draft", "actor_name": principal.name},
        )
    ]
    return assemble(
        row, draft.lines, history, [], principal, language, await is_prior(pool, data.type)
    )


async def _own_locked(
    conn: asyncpg.Connection, principal: Principal, application_id: UUID
) -> asyncpg.Record:
    row = await lock(conn, application_id)
    if row is None or row["org_id"] != principal.org_id:
        raise not_found()
    return row


async def patch(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    application_id: UUID,
    changes: dict[str, Any],
    language: str,
) -> s.ApplicationOut:
    async with transaction(pool) as conn:
        row = await _own_locked(conn, principal, application_id)
        if Status(row["status"]) not in EDITABLE:
            raise RuleViolation(
                "invalid_transition",
                f"An application that is {row['status']} cannot be edited.",
                message_zh="该申请当前状态下不能修改。",
                status=409,
            )
        b = await bound_of(conn, row)
        await _still_open(conn, b, row, today)
        if "type" in changes and changes["type"] != row["type"]:
            raise RuleViolation(
                "invalid_input",
                "The type of an application cannot change.",
                field="type",
                message_zh="申请类型不能修改。",
            )
        lines = [
            line_to_wire(x, reviewed=False)
            for x in lines_from_rows(await conn.fetch(Q.lines_of, application_id))
        ]
        if b.lines_field is not None and not b.lines_field.invoices:
            for line in lines:
                line.pop("invoice_numbers", None)
        merged = {**as_sent(row["type"], row["payload"], lines), **changes, "type": row["type"]}
        sent = await submitted(conn, merged)
        uscc, b, draft = await _drafting(conn, sent, row["org_id"], today, row["program_version"])
        if row["filing_id"] is not None and draft.filing_id != row["filing_id"]:
            raise RuleViolation(
                "invalid_input",
                "A claim's filing cannot change.",
                field="filing_id",
                message_zh="兑现申报对应的备案不能修改。",
            )
        await conn.execute(
            Q.update_draft,
            application_id,
            draft.title,
            draft.payload,
            draft.filing_id,
            draft.amount_requested.fen if draft.amount_requested is not None else None,
            now,
            fingerprint(uscc, draft.subject or ""),
        )
        await conn.execute(Q.delete_lines, application_id)
        await _write_lines(conn, application_id, draft)
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="application.edited",
            entity_type="application",
            entity_id=str(application_id),
            data={"actor_name": principal.name, "fields": sorted(changes)},
        )
    return await application_out(pool, application_id, principal, language)


async def _still_open(
    conn: asyncpg.Connection,
    b: Bound,
    row: asyncpg.Record,
    today: dt.date,
    *,
    calls: bool = True,
) -> None:
    """A draft is read-only once its program version's window, or its call, has closed."""
    window = await conn.fetchrow(Q.version_window, row["program_code"], row["program_version"])
    if window is not None and today > window["effective_to"]:
        raise RuleViolation(
            "program_closed",
            f"The program's window closed on {window['effective_to']}: this draft is read-only.",
            message_zh=f"该项目政策已于 {window['effective_to']} 截止,草稿不能再修改。",
            status=409,
        )
    closes_on = await engine.call_closes_on(conn, b, row) if calls else None
    if closes_on is not None and today > closes_on:
        raise RuleViolation(
            "call_closed",
            f"The call closed on {closes_on}: this draft is read-only.",
            message_zh=f"申报批次已于 {closes_on} 截止,草稿不能再修改。",
            status=409,
        )


def _path(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    return text.rsplit("`$.", 1)[-1].rstrip("`") if "`$." in text else "$"


async def submit(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    application_id: UUID,
    language: str,
) -> s.ApplicationOut:
    if not principal.email_verified:
        raise email_not_verified()
    async with transaction(pool) as conn:
        row = await _own_locked(conn, principal, application_id)
        target = next_status(
            await is_prior(conn, row["type"]),
            Status(row["status"]),
            Action.SUBMIT,
            frozenset({Actor.APPLICANT}),
        )
        b = await bound_of(conn, row)
        lines = lines_from_rows(await conn.fetch(Q.lines_of, row["id"]))
        # An ended version decides nothing new (a closed call is the form's own rule at submit).
        await _still_open(conn, b, row, today, calls=False)
        violations, data = await _payee_at_submit(conn, b, row)
        violations += await engine.check_submit(conn, b, row, lines, today)
        if row["proposed_by"] is None:  # a 免申即享 proposal rests on staff's own sources
            violations += engine.missing_docs(b, row)
        if violations:
            raise rule_problem(violations)
        await record_transition(
            conn, row, action="submit", to_status=target, actor=_actor(principal), at=now, data=data
        )
    return await application_out(pool, application_id, principal, language)


async def _payee_at_submit(
    conn: asyncpg.Connection, b: Bound, row: asyncpg.Record
) -> tuple[list[RuleViolation], dict[str, Any]]:
    """A claim that pays names its payee: its own, or the organization's account on file, copied
    in now so that a later change of that account never rewrites a submitted claim."""
    if not b.pays or row["payload"].get("payee") is not None:
        return [], {}
    on_file = await conn.fetchval(Q.org_bank_account, row["org_id"])
    if on_file is None:
        return [engine.required("payee", ("收款账户", "The payee"))], {}
    await conn.execute(Q.set_payee, row["id"], on_file)
    return [], {"payee_from_account_on_file": True}


async def withdraw(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, application_id: UUID, language: str
) -> s.ApplicationOut:
    async with transaction(pool) as conn:
        row = await _own_locked(conn, principal, application_id)
        target = next_status(
            await is_prior(conn, row["type"]),
            Status(row["status"]),
            Action.WITHDRAW,
            frozenset({Actor.APPLICANT}),
        )
        await record_transition(
            conn, row, action="withdraw", to_status=target, actor=_actor(principal), at=now
        )
    return await application_out(pool, application_id, principal, language)


async def list_own(
    pool: asyncpg.Pool, principal: Principal, limit: int, cursor: str | None
) -> s.Page:
    after_at, after_id = decode_cursor(cursor)
    if after_at is None:
        rows = await pool.fetch(Q.org_applications, principal.org_id, limit + 1)
    else:
        rows = await pool.fetch(
            Q.org_applications_after, principal.org_id, after_at, after_id, limit + 1
        )
    items = [summary(r) for r in rows[:limit]]
    more = len(rows) > limit
    return s.Page(
        items, encode_cursor(rows[limit - 1]["created_at"], rows[limit - 1]["id"]) if more else None
    )
