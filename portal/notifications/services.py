"""The inbox, preferences and dead letters. The portal never talks to arq: a retried dead letter
is set back to pending in the database, and the workers' sweep (woken by NOTIFY) enqueues it."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from domain.errors import RuleViolation
from portal.applications.views import decode_cursor, encode_cursor
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.notifications import schemas as s
from sql import audit
from sql import notifications as store
from sql.notification_topics import CHANNELS, TOPICS, Topic, topics_for
from sql.pool import transaction
from sql.queries import Q


def _note(r: asyncpg.Record) -> s.NotificationOut:
    return s.NotificationOut(
        r["id"],
        r["topic"],
        r["title"],
        r["body"],
        r["created_at"],
        r["read_at"],
        r["application_id"],
    )


def _not_found(what_en: str, what_zh: str) -> ProblemError:
    return ProblemError(404, "not_found", f"No such {what_en}.", f"未找到该{what_zh}。")


async def inbox(
    pool: asyncpg.Pool, principal: Principal, limit: int, cursor: str | None
) -> s.NotificationPage:
    after_at, after_id = decode_cursor(cursor)
    rows = await pool.fetch(Q.inbox_page, principal.user_id, after_at, after_id, limit + 1)
    more = len(rows) > limit
    last = rows[limit - 1] if more else None
    return s.NotificationPage(
        [_note(r) for r in rows[:limit]],
        encode_cursor(last["created_at"], last["id"]) if last is not None else None,
        await pool.fetchval(Q.inbox_unread, principal.user_id),
    )


async def read(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, notification_id: UUID
) -> s.NotificationOut:
    row = await pool.fetchrow(Q.inbox_read, notification_id, principal.user_id, now)
    if row is None:  # someone else's notification does not exist for you
        raise _not_found("notification", "通知")
    return _note(row)


async def read_all(pool: asyncpg.Pool, now: dt.datetime, principal: Principal) -> s.ReadAllOut:
    status: str = await pool.execute(Q.inbox_read_all, principal.user_id, now)
    return s.ReadAllOut(int(status.split()[-1]))


# ---------------------------------------------------------------- preferences


def _topics(principal: Principal) -> dict[str, Topic]:
    roles = frozenset(str(r) for r in principal.roles)
    return {t.name: t for t in topics_for(org_member=principal.org_id is not None, roles=roles)}


def _protected(principal: Principal, t: Topic, channel: str) -> bool:
    return principal.org_id is not None and t.org and t.locked(channel)


async def preferences(
    conn: asyncpg.Connection | asyncpg.Pool, principal: Principal
) -> s.PreferencesOut:
    stored = {
        (r["topic"], r["channel"]): r["enabled"]
        for r in await conn.fetch(Q.preferences_of, principal.user_id)
    }
    items = []
    for t in _topics(principal).values():
        for ch in CHANNELS:
            locked = _protected(principal, t, ch)
            enabled = locked or stored.get((t.name, ch), t.default_enabled(ch))
            items.append(s.PreferenceOut(t.name, ch, enabled, locked))
    return s.PreferencesOut(items)


def _check(principal: Principal, data: s.PreferencesIn) -> None:
    mine = _topics(principal)
    problems: list[RuleViolation] = []
    for i, item in enumerate(data.items):
        t = mine.get(item.topic)
        if t is None:
            known = "unknown topic" if item.topic not in TOPICS else "not a topic you receive"
            problems.append(
                RuleViolation(
                    "invalid_input",
                    f"{item.topic}: {known}.",
                    field=f"items[{i}].topic",
                    message_zh=f"{item.topic}:不是您可设置的通知类型。",
                )
            )
        elif not item.enabled and _protected(principal, t, item.channel):
            problems.append(
                RuleViolation(
                    "cannot_opt_out",
                    f"Decisions on your own applications always reach your {item.channel}.",
                    field=f"items[{i}]",
                    message_zh="关于本单位申请的审核决定必须通过站内信和电子邮件送达,不能关闭。",
                )
            )
    if problems:
        first = problems[0]
        raise ProblemError(
            422,
            first.code,
            "; ".join(p.message for p in problems),
            ";".join(p.message_zh for p in problems),
            errors=problems,
        )


async def set_preferences(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, data: s.PreferencesIn
) -> s.PreferencesOut:
    """The items given replace the stored choices for those (topic, channel); others stay."""
    _check(principal, data)
    async with transaction(pool) as conn:
        if data.items:
            await conn.execute(
                Q.preferences_upsert,
                principal.user_id,
                [i.topic for i in data.items],
                [i.channel for i in data.items],
                [i.enabled for i in data.items],
                now,
            )
        return await preferences(conn, principal)


# ---------------------------------------------------------------- dead letters


def _after(cursor: str | None) -> int | None:
    if not cursor:
        return None
    if not cursor.isdigit() or len(cursor) > 19:
        raise RuleViolation(
            "invalid_input",
            "The cursor is not one this API gave out.",
            field="cursor",
            message_zh="分页游标无效。",
        )
    return int(cursor)


async def dead_letters(pool: asyncpg.Pool, limit: int, cursor: str | None) -> s.DeadLetterPage:
    rows = await pool.fetch(Q.dead_letters_page, _after(cursor), limit + 1)
    items = [
        s.DeadLetterOut(
            id=r["id"],
            outbox_id=r["outbox_id"],
            topic=r["topic"],
            channel=r["channel"],
            user_id=r["user_id"],
            user_email=r["user_email"],
            address=r["address"],
            attempts=r["attempts"],
            last_error=r["last_error"],
            created_at=r["created_at"],
            failed_at=r["updated_at"],
        )
        for r in rows[:limit]
    ]
    return s.DeadLetterPage(items, str(rows[limit - 1]["id"]) if len(rows) > limit else None)


async def retry(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, delivery_id: int
) -> s.RetryOut:
    async with transaction(pool) as conn:
        row = await store.retry_dead_letter(conn, delivery_id, now)
        if row is None:
            status = await conn.fetchval(Q.delivery_exists, delivery_id)
            if status is None:
                raise _not_found("dead letter", "死信")
            raise ProblemError(
                409,
                "not_dead",
                f"This delivery is {status}, not a dead letter.",
                "该投递不是死信,无需重试。",
            )
        await audit.append(
            conn,
            at=now,
            actor=principal.actor,
            action="notification.retried",
            entity_type="delivery",
            entity_id=str(delivery_id),
            data={"actor_name": principal.name, "channel": row["channel"]},
        )
    return s.RetryOut(delivery_id, row["status"])
