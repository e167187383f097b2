"""Objections to awards in publicity: lodged by anyone (throttled), listed for staff, resolved
once by one of the city's approvers. An open objection holds the award (see `domain.objections`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import asyncpg

from domain.chain import check_city_step
from domain.objections import (
    PER_ADDRESS,
    PER_ANNOUNCEMENT,
    ObjectionStatus,
    Outcome,
    already_resolved,
    check_resolution,
)
from portal.applications.views import decode_cursor, encode_cursor
from portal.auth.principal import Principal
from portal.errors import ProblemError, too_many
from portal.objections import schemas as s
from portal.review.services import uphold
from sql import audit, outbox, throttle
from sql.applications import lock
from sql.pool import transaction
from sql.publicity import confirm_if_due
from sql.queries import Q


def _not_in_publicity() -> ProblemError:
    return ProblemError(
        404, "not_found", "This award is not in publicity now.", "该奖补目前不在公示期内。"
    )


def _not_found() -> ProblemError:
    return ProblemError(404, "not_found", "No such objection.", "未找到该异议。")


async def lodge(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    application_id: UUID,
    data: s.ObjectionIn,
    address: str,
) -> s.ObjectionReceipt:
    """Anyone objects to an award in publicity; staff hear of it once (their inbox, the digest)."""
    keys = (f"objection-address:{address}", f"objection-announcement:{application_id}")
    async with transaction(pool) as conn:
        for key, rule in zip(keys, (PER_ADDRESS, PER_ANNOUNCEMENT), strict=True):
            until = await throttle.admit(conn, key, rule, now)
            if until is not None:
                raise too_many(until, now)
        row = await conn.fetchrow(Q.application_by_id, application_id)
        period = await conn.fetchrow(Q.latest_publicity_of, application_id)
        if (
            row is None
            or period is None
            or row["status"] != "publicized"
            or not (period["starts_on"] <= today <= period["ends_on"])
        ):
            raise _not_in_publicity()
        objection = await conn.fetchrow(
            Q.insert_objection,
            application_id,
            period["id"],
            data.reason.strip(),
            data.contact.strip(),
            now,
        )
        await outbox.emit(
            conn,
            at=now,
            topic="objection.lodged",
            payload={
                "application_id": str(application_id),
                "type": row["type"],
                "objection_id": str(objection["id"]),
                "reference": row["reference"],
            },
        )
        # The objector's contact stays out of the audit trail; the objection's id points to it.
        await audit.append(
            conn,
            at=now,
            actor="public",
            action="application.objection_lodged",
            entity_type="application",
            entity_id=str(application_id),
            data={"objection_id": str(objection["id"]), "actor_name": "公众"},
        )
    return s.ObjectionReceipt(objection["id"], objection["created_at"])


def _out(r: asyncpg.Record) -> s.ObjectionOut:
    resolution = None
    if r["status"] != ObjectionStatus.OPEN:
        resolution = s.ResolutionOut(
            r["status"], r["resolution_comment"], r["resolved_by_name"], r["resolved_at"]
        )
    return s.ObjectionOut(
        id=r["id"],
        application_id=r["application_id"],
        reason=r["reason"],
        contact=r["contact"],
        lodged_at=r["created_at"],
        status=r["status"],
        resolution=resolution,
        reference=r["reference"],
        title=r["title"],
        org_name=r["org_name"],
    )


async def list_objections(
    pool: asyncpg.Pool,
    *,
    status: str | None,
    application_id: UUID | None,
    limit: int,
    cursor: str | None,
    districts: list[str] | None = None,
) -> s.ObjectionPage:
    """Oldest first: the order in which they should be examined."""
    after_at, after_id = decode_cursor(cursor)
    rows = await pool.fetch(
        Q.objections_list, status, application_id, after_at, after_id, limit + 1, districts
    )
    more = len(rows) > limit
    last = rows[limit - 1] if more else None
    return s.ObjectionPage(
        [_out(r) for r in rows[:limit]],
        encode_cursor(last["created_at"], last["id"]) if last is not None else None,
    )


async def get_objection(
    pool: asyncpg.Pool, objection_id: UUID, districts: list[str] | None = None
) -> s.ObjectionOut:
    row = await pool.fetchrow(Q.objection_by_id, objection_id)
    if row is None or (districts is not None and row["district_code"] not in districts):
        raise _not_found()
    return _out(row)


async def resolve(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    objection_id: UUID,
    data: s.ResolutionIn,
) -> s.ObjectionOut:
    """Dismiss (the award goes on; confirmed at once if its period is over and nothing else
    holds it) or uphold (the award is withdrawn). Once: a second resolution is 409. The city's:
    a district's staff are refused (403 city_decides), as for the decision."""
    application_id = await pool.fetchval(Q.objection_application, objection_id)
    if application_id is None:
        raise _not_found()
    comment = data.comment.strip()
    async with transaction(pool) as conn:
        app = await lock(conn, application_id, principal.districts)  # first, as every writer
        if app is None:
            raise _not_found()  # another district's
        check_city_step(city_staff=principal.city)
        objection = await conn.fetchrow(Q.objection_for_update, objection_id)
        assert objection is not None  # never deleted
        check_resolution(ObjectionStatus(objection["status"]), comment)
        if Outcome(data.outcome) == Outcome.UPHELD:
            await uphold(conn, app, principal, now, comment, {"objection_id": str(objection_id)})
        else:
            await _dismiss(conn, app, principal, now, today, objection_id, comment)
    return await get_objection(pool, objection_id, principal.scope())


async def _dismiss(
    conn: asyncpg.Connection,
    app: asyncpg.Record,
    principal: Principal,
    now: dt.datetime,
    today: dt.date,
    objection_id: UUID,
    comment: str,
) -> None:
    if (
        await conn.fetchval(
            Q.resolve_objection,
            objection_id,
            Outcome.DISMISSED.value,
            comment,
            principal.user_id,
            now,
        )
        is None
    ):
        raise already_resolved()
    payload: dict[str, Any] = {
        "application_id": str(app["id"]),
        "org_id": str(app["org_id"]),
        "type": app["type"],
        "objection_id": str(objection_id),
        "reference": app["reference"],
        "comment": comment,
    }
    await outbox.emit(conn, at=now, topic="objection.dismissed", payload=payload)
    await audit.append(
        conn,
        at=now,
        actor=principal.actor,
        action="application.objection_dismissed",
        entity_type="application",
        entity_id=str(app["id"]),
        data={"objection_id": str(objection_id), "actor_name": principal.name, "comment": comment},
    )
    await confirm_if_due(conn, app, today, now)
