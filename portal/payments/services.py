"""Finance pays confirmed awards: one at a time, or many in a batch that is recorded whole or not
at all. Every payment is exactly the award, once, never while an objection is open, and moves the
budget's `spent` in the same transaction (rules: `domain.payments`). Paying is the city's: a
district's finance staff are refused (403 city_decides, `domain.chain`)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from litestar import Response

from domain.chain import check_city_step
from domain.errors import RuleViolation
from domain.lifecycle import Action, Status, next_status
from domain.money import Money, parse_money
from domain.payments import Payable, already_paid, check_paid_on, check_payment
from portal.applications import schemas as app_schemas
from portal.applications.views import application_out, decode_cursor, encode_cursor, not_found
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.exports.services import XLSX, audit_download
from portal.payments import schemas as s
from portal.payments.workbook import due_workbook
from sql import audit, budgets
from sql.application_types import is_prior
from sql.applications import ActorRef, lock, record_transition
from sql.pool import transaction
from sql.publicity import confirm_if_due
from sql.queries import Q


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment to record, its amount parsed."""

    application_id: UUID
    amount: Money
    paid_on: dt.date
    reference: str


async def _checked(
    conn: asyncpg.Connection,
    application_id: UUID,
    payment: Payment,
    today: dt.date,
    now: dt.datetime,
    districts: frozenset[str],
    field: str = "amount",
) -> asyncpg.Record:
    """Lock the application and refuse the payment by the rules; returns the row to pay.

    A publicized award whose period is over and that nothing holds is confirmed on the way (the
    scheduler may not have closed its batch yet).
    """
    row = await lock(conn, application_id, districts)
    if row is None:
        raise not_found()
    check_city_step(city_staff=not districts)
    if await confirm_if_due(conn, row, today, now):
        row = await lock(conn, application_id)
        assert row is not None
    payable = Payable(
        status=Status(row["status"]),
        award=Money(row["amount_approved_fen"]) if row["amount_approved_fen"] is not None else None,
        open_objections=await conn.fetchval(Q.open_objections, application_id),
    )
    check_payment(payable, payment.amount, field)
    return row


async def _record(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    payment: Payment,
    principal: Principal,
    now: dt.datetime,
    batch_id: UUID | None = None,
) -> None:
    target = next_status(
        await is_prior(conn, row["type"]),
        Status(row["status"]),
        Action.DISBURSE,
        frozenset(principal.roles),
    )
    try:
        await conn.execute(
            Q.insert_disbursement,
            row["id"],
            payment.paid_on,
            payment.amount.fen,
            payment.reference,
            principal.user_id,
            now,
            batch_id,
        )
    except asyncpg.UniqueViolationError:  # behind the row lock: only if a lock was skipped
        raise already_paid() from None
    await budgets.spend(conn, row["id"], now)
    data: dict[str, Any] = {
        "paid_on": payment.paid_on.isoformat(),
        "amount": str(payment.amount),
        "payment_reference": payment.reference,
    }
    if batch_id is not None:
        data["batch_id"] = str(batch_id)
    await record_transition(
        conn,
        row,
        action="disburse",
        to_status=target,
        actor=ActorRef(principal.actor, principal.name),
        at=now,
        data=data,
    )


async def disburse(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    application_id: UUID,
    data: s.DisbursementIn,
    language: str,
) -> app_schemas.ApplicationOut:
    payment = Payment(
        application_id, parse_money(data.amount, "amount"), data.paid_on, data.reference.strip()
    )
    check_paid_on(payment.paid_on, today)
    async with transaction(pool) as conn:
        row = await _checked(conn, application_id, payment, today, now, principal.districts)
        await _record(conn, row, payment, principal, now)
    return await application_out(pool, application_id, principal, language)


# ------------------------------------------------------------------------------- batches


def _item_error(i: int, v: RuleViolation) -> RuleViolation:
    return RuleViolation(
        v.code, v.message, field=f"items[{i}]", message_zh=v.message_zh, status=v.status
    )


Refusals = list[tuple[int, RuleViolation]]  # by the item's index


def _parsed(items: list[s.BatchItemIn], today: dt.date) -> tuple[list[Payment | None], Refusals]:
    """Each item as a Payment, or its error (amount, date, the same award twice)."""
    payments: list[Payment | None] = []
    errors: Refusals = []
    seen: set[UUID] = set()
    for i, item in enumerate(items):
        try:
            payment = Payment(
                item.application_id,
                parse_money(item.amount, f"items[{i}].amount"),
                item.paid_on,
                item.reference.strip(),
            )
            check_paid_on(payment.paid_on, today, f"items[{i}].paid_on")
            if item.application_id in seen:
                raise RuleViolation(
                    "duplicate_item",
                    "This award is already in the batch.",
                    message_zh="该奖补在本批次中重复出现。",
                )
            seen.add(item.application_id)
            payments.append(payment)
        except RuleViolation as v:
            errors.append((i, v))
            payments.append(None)
    return payments, errors


async def _check_batch(
    conn: asyncpg.Connection,
    items: list[s.BatchItemIn],
    today: dt.date,
    now: dt.datetime,
    districts: frozenset[str],
) -> tuple[list[tuple[asyncpg.Record, Payment]], list[RuleViolation]]:
    """Lock every item's application (in id order, so batches never deadlock) and check it."""
    payments, errors = _parsed(items, today)
    checked: list[tuple[asyncpg.Record, Payment]] = []
    order = sorted(
        (i for i, p in enumerate(payments) if p is not None),
        key=lambda i: items[i].application_id,
    )
    for i in order:
        payment = payments[i]
        assert payment is not None
        try:
            row = await _checked(conn, payment.application_id, payment, today, now, districts)
        except ProblemError as exc:  # not found
            errors.append((i, RuleViolation(exc.code, exc.detail_en, message_zh=exc.detail_zh)))
            continue
        except RuleViolation as v:
            errors.append((i, v))
            continue
        checked.append((row, payment))
    return checked, [_item_error(i, v) for i, v in sorted(errors, key=lambda e: e[0])]


def _refused(errors: list[RuleViolation]) -> ProblemError:
    n = len({v.field for v in errors})
    return ProblemError(
        422,
        "batch_refused",
        f"Nothing was recorded: {n} item(s) cannot be paid. "
        + "; ".join(f"{v.field}: {v.message}" for v in errors),
        f"本批次未记录:{n}笔不能拨付。" + ";".join(f"{v.field}:{v.message_zh}" for v in errors),
        errors=errors,
    )


async def preview_batch(
    pool: asyncpg.Pool, now: dt.datetime, today: dt.date, principal: Principal, data: s.BatchIn
) -> list[RuleViolation]:
    """What recording this batch now would refuse, item by item; writes nothing."""
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            _, errors = await _check_batch(conn, data.items, today, now, principal.districts)
        finally:
            await tx.rollback()
    return errors


async def record_batch(
    pool: asyncpg.Pool, now: dt.datetime, today: dt.date, principal: Principal, data: s.BatchIn
) -> s.BatchOut:
    """Every item paid in one transaction, or none: 422 naming each item that cannot be paid."""
    check_city_step(city_staff=principal.city)
    async with transaction(pool) as conn:
        checked, errors = await _check_batch(conn, data.items, today, now, principal.districts)
        if errors:
            raise _refused(errors)
        total = sum((p.amount for _, p in checked), Money.ZERO)
        batch_id: UUID = await conn.fetchval(
            Q.insert_payment_batch, len(checked), total.fen, principal.user_id, now
        )
        for row, payment in checked:
            await _record(conn, row, payment, principal, now, batch_id)
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="payment_batch.recorded",
            entity_type="payment_batch",
            entity_id=str(batch_id),
            data={
                "actor_name": principal.name,
                "total": str(total),
                "items": [
                    {
                        "application_id": str(p.application_id),
                        "amount": str(p.amount),
                        "paid_on": p.paid_on.isoformat(),
                        "reference": p.reference,
                    }
                    for _, p in checked
                ],
            },
        )
    return s.BatchOut(batch_id, len(checked), str(total))


# ------------------------------------------------------------------------------- due list


def _due(r: asyncpg.Record, language: str) -> s.DueOut:
    payee = r["payee"]
    return s.DueOut(
        application_id=r["id"],
        reference=r["reference"],
        type=r["type"],
        program_code=r["program_code"],
        program_title=r["title_zh"] if language == "zh" else r["title_en"],
        title=r["title"],
        org_name=r["org_name"],
        uscc=r["uscc"],
        payee=s.PayeeOut(payee["account_name"], payee["bank"], payee["account_no"])
        if payee
        else None,
        amount=str(Money(r["amount_approved_fen"])),
        budget_year=r["budget_year"],
        confirmed_at=r["updated_at"],
    )


async def due(
    pool: asyncpg.Pool,
    language: str,
    *,
    program: str | None,
    limit: int,
    cursor: str | None,
    districts: list[str] | None = None,
) -> s.DuePage:
    """Confirmed, unpaid awards, oldest application first."""
    after_at, after_id = decode_cursor(cursor)
    rows = await pool.fetch(Q.payments_due, after_at, after_id, program, limit + 1, districts)
    more = len(rows) > limit
    last = rows[limit - 1] if more else None
    return s.DuePage(
        [_due(r, language) for r in rows[:limit]],
        encode_cursor(last["created_at"], last["id"]) if last is not None else None,
    )


async def all_due(
    pool: asyncpg.Pool,
    language: str,
    program: str | None = None,
    districts: list[str] | None = None,
) -> list[s.DueOut]:
    """Every award due, page by page (the workbook's rows)."""
    items: list[s.DueOut] = []
    cursor: str | None = None
    while True:
        page = await due(
            pool, language, program=program, limit=200, cursor=cursor, districts=districts
        )
        items += page.items
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor


async def due_xlsx(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    language: str,
    program: str | None,
) -> Response[bytes]:
    """The due list as a workbook; the download is on the audit trail before it leaves."""
    items = await all_due(pool, language, program, principal.scope())
    await audit_download(pool, now, principal, "payments_due.xlsx")
    body = await asyncio.to_thread(due_workbook, items, language)
    return Response(
        body,
        media_type=XLSX,
        headers={
            "Content-Disposition": 'attachment; filename="payments-due.xlsx"',
            "Cache-Control": "private, no-store",
        },
    )
