"""The outbox relay: committed outbox rows become deliveries and delivery jobs.

One transaction per batch: claim rows (SKIP LOCKED, so relays on several workers share the work),
write a delivery per (row, channel, recipient) — inbox deliveries with their notification, sent
at once — enqueue a job per other delivery, mark the rows relayed. If Redis fails, all of it rolls
back and the rows wait for the next run: nothing is lost, and a row is never relayed twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from sql.notification_topics import topic
from sql.queries import Q
from workers import context as c
from workers import recipients
from workers.messages import Message, render, variables
from workers.queue import enqueue_deliveries

log = logging.getLogger("workers.relay")

DRAIN_SECONDS = 20.0  # one call drains at most this long; the next nudge or tick goes on


@dataclass(frozen=True, slots=True)
class Planned:
    outbox_id: int
    channel: str
    user_id: UUID | None
    address: str | None = None
    subject: str | None = None
    body: str | None = None
    # inbox only: (topic, title, body, application id, event time)
    inbox: tuple[str, str, str, UUID | None, datetime] | None = None


def _message(
    row: asyncpg.Record, r: recipients.Recipient, d: recipients.Directory, base_url: str
) -> Message:
    payload: dict[str, Any] = row["payload"]
    app = d.applications.get(recipients.application_id(payload) or UUID(int=0))
    if app is not None and "type" not in payload:
        payload = {**payload, "type": app.type}
    values = variables(
        payload,
        language=r.person.language,
        audience=r.audience,
        app_title=app.title if app else "",
        org_name=app.org_name if app else "",
        base_url=base_url,
    )
    try:
        return render(row["topic"], r.person.language, values)
    except Exception:  # a broken template must not hold the outbox back: say it plainly
        log.exception("template for %s failed; sending a plain message", row["topic"])
        plain = f"{row['topic']} {values['reference']}"
        return Message(plain, plain, plain)


def plan(
    rows: list[asyncpg.Record],
    d: recipients.Directory,
    *,
    email_on: bool,
    base_url: str = "",
) -> list[Planned]:
    planned: list[Planned] = []
    for row in rows:
        t = topic(row["topic"])
        if t is None:
            continue
        app_id = recipients.application_id(row["payload"])
        if app_id not in d.applications:  # not (or no longer) an application: no link to it
            app_id = None
        texts: dict[tuple[str, str], Message] = {}  # one rendering per language and audience
        for r in recipients.recipients(t, row["payload"], d):
            chosen = list(recipients.channels(t, r, d, email_on=email_on))
            if not chosen:
                continue
            lang = r.person.language
            msg = texts.get((lang, r.audience))
            if msg is None:
                msg = texts[(lang, r.audience)] = _message(row, r, d, base_url)
            for ch in chosen:
                if ch == "inbox" and r.person.id is not None:
                    inbox = (t.name, msg.title, msg.body, app_id, row["created_at"])
                    planned.append(Planned(row["id"], ch, r.person.id, inbox=inbox))
                elif ch == "email":
                    planned.append(
                        Planned(
                            row["id"],
                            ch,
                            r.person.id,
                            r.person.email,
                            msg.email_subject(lang),
                            msg.email_body(lang),
                        )
                    )
                else:
                    planned.append(
                        Planned(row["id"], ch, r.person.id, r.person.phone, msg.title, msg.sms)
                    )
    return planned


async def _write(
    conn: asyncpg.Connection, planned: list[Planned], *, now: datetime, due_at: datetime
) -> list[tuple[int, int, int]]:
    """Insert the deliveries and inbox rows; return the jobs to enqueue."""
    if not planned:
        return []
    inserted = await conn.fetch(
        Q.relay_insert_deliveries,
        [p.outbox_id for p in planned],
        [p.channel for p in planned],
        [p.user_id for p in planned],
        [p.address for p in planned],
        [p.subject for p in planned],
        [p.body for p in planned],
        due_at,
        now,
    )
    inbox = {(p.outbox_id, p.user_id): p.inbox for p in planned if p.inbox is not None}
    notes = [
        (r["user_id"], r["id"], *inbox[(r["outbox_id"], r["user_id"])])
        for r in inserted
        if r["channel"] == "inbox"
    ]
    if notes:
        await conn.execute(
            Q.relay_insert_notifications, *(list(col) for col in zip(*notes, strict=True))
        )
    return [(r["id"], r["enqueues"], r["outbox_id"]) for r in inserted if r["channel"] != "inbox"]


async def relay_once(ctx: dict[str, Any]) -> int:
    """Relay one batch; returns how many outbox rows it took."""
    tune, now, settings = c.tuning(ctx), c.now(ctx), c.settings(ctx)
    async with c.pool(ctx).acquire() as conn, conn.transaction():
        rows = await conn.fetch(Q.relay_claim_outbox, tune.relay_batch)
        if not rows:
            return 0
        directory = await recipients.load(conn, rows)
        planned = plan(rows, directory, email_on=True, base_url=settings.public_url)
        jobs = await _write(conn, planned, now=now, due_at=now + tune.lease)
        await enqueue_deliveries(c.redis(ctx), jobs)
        await conn.execute(Q.relay_mark_relayed, [r["id"] for r in rows], now)
    return len(rows)


async def relay(ctx: dict[str, Any]) -> int:
    """Drain the outbox (the cron job, and what a NOTIFY wakes); returns rows relayed."""
    total, started = 0, time.monotonic()
    while time.monotonic() - started < DRAIN_SECONDS:
        n = await relay_once(ctx)
        total += n
        if n < c.tuning(ctx).relay_batch:
            break
    return total
