"""The delivery job: send one e-mail or SMS, idempotently, with back-off and a dead letter.

The row decides, not Redis: only the row's latest job may act, a sent or dead row is skipped,
and the row is marked sent as soon as the server accepted. A crash between the two sends once
more, with the same Message-ID (at least once, recognizably the same).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import asyncpg
from arq import Retry

from sql import notifications as store
from workers import context as c
from workers.channels import PermanentError, TransientError
from workers.channels.email import Mailer, build, message_id
from workers.channels.sms import SmsGateway

log = logging.getLogger("workers.deliver")

_DB_ERRORS = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, TimeoutError)


async def _send(ctx: dict[str, Any], row: store.Claimed) -> None:
    assert row.address is not None and row.subject is not None and row.body is not None
    if row.channel == "email":
        mailer: Mailer | None = ctx.get("mailer")
        if mailer is None:
            raise TransientError("this worker has no mailer (it has not started)")
        sender = c.settings(ctx).mail_from
        data = build(
            sender=sender,
            to=row.address,
            subject=row.subject,
            body=row.body,
            msg_id=message_id(row.outbox_id, row.id, sender),
            date=c.now(ctx),
        )
        await mailer.send(sender, row.address, data)
    elif row.channel == "sms":
        sms: SmsGateway = ctx["sms"]
        await sms.send(row.address, row.body, f"n{row.outbox_id}.d{row.id}")
    else:
        raise PermanentError(f"no channel {row.channel!r}")


async def _claim(
    ctx: dict[str, Any], delivery_id: int, enqueue_no: int, outbox_id: int
) -> store.Claimed | None:
    pool, now = c.pool(ctx), c.now(ctx)
    lease = now + c.tuning(ctx).lease
    row = await store.claim(pool, delivery_id, enqueue_no, now=now, lease_until=lease)
    if row is None:
        # The job can start before the relay that enqueued it commits (or commit between our
        # statements): wait for the relay's transaction to end, then look once more.
        await store.wait_for_relay(pool, outbox_id)
        row = await store.claim(pool, delivery_id, enqueue_no, now=now, lease_until=lease)
    return row


async def _mark_sent(ctx: dict[str, Any], delivery_id: int) -> None:
    # Sent already: do not send again because the database blinked; try the mark a few times.
    for attempt in range(3):
        try:
            await store.mark_sent(c.pool(ctx), delivery_id, c.now(ctx))
            return
        except _DB_ERRORS:
            if attempt == 2:
                raise
            await asyncio.sleep(0.5 * (attempt + 1))


async def deliver(ctx: dict[str, Any], delivery_id: int, enqueue_no: int, outbox_id: int) -> str:
    tune = c.tuning(ctx)
    try:
        row = await _claim(ctx, delivery_id, enqueue_no, outbox_id)
    except _DB_ERRORS as exc:
        log.warning("delivery %s: database unavailable (%r); retrying", delivery_id, exc)
        raise Retry(defer=tune.backoff(1)) from None
    if row is None:
        return "skipped"  # sent, dead, rolled back, or taken over by a newer job
    if row.attempts > tune.max_attempts:  # tries that died with their worker count too
        await store.mark_dead(c.pool(ctx), row.id, "no try finished", c.now(ctx))
        return "dead"
    try:
        await _send(ctx, row)
    except TransientError as exc:
        if row.attempts >= tune.max_attempts:
            await store.mark_dead(c.pool(ctx), row.id, str(exc), c.now(ctx))
            log.warning(
                "delivery %s is a dead letter after %s tries: %s", row.id, row.attempts, exc
            )
            return "dead"
        defer = tune.backoff(row.attempts)
        now = c.now(ctx)
        due = now + timedelta(seconds=defer) + tune.lease
        await store.mark_failed(c.pool(ctx), row.id, str(exc), now=now, due_at=due)
        raise Retry(defer=defer) from None
    except PermanentError as exc:
        await store.mark_dead(c.pool(ctx), row.id, str(exc), c.now(ctx))
        log.warning("delivery %s is a dead letter: %s", row.id, exc)
        return "dead"
    await _mark_sent(ctx, row.id)
    return "sent"
