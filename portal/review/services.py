"""Staff decisions on applications: pass (with per-line amounts), return, reject, approve, and
upholding an objection. Approval computes the award and reserves it from the year's budgets
(each funder's share from its own: the city's, the application's district's)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any
from uuid import UUID

import asyncpg

from domain.accounts import STAFF_ROLES
from domain.budgets import reservations
from domain.calendar import WorkCalendar
from domain.chain import check_scope
from domain.clock import business_date
from domain.definition.award import Award
from domain.errors import RuleViolation
from domain.lifecycle import Action, Status, check_decision, next_status
from domain.money import Money, parse_money
from domain.review import ReviewedLine, check_scores, review_lines
from domain.stages import DEFAULT_SLA, MOST_SLA, limit_of, overdue_cutoffs, stage_of
from portal.applications import schemas as s
from portal.applications.types import StoredLine, lines_from_rows
from portal.applications.views import (
    application_out,
    decode_cursor,
    encode_cursor,
    not_found,
    summary_as,
)
from portal.auth.principal import Principal
from portal.programs import engine
from portal.programs.forms import bound_of, review_rules
from portal.review.schemas import QueueItem, QueuePage
from sql import budgets
from sql.application_types import is_prior
from sql.applications import ActorRef, lock, record_transition, take_reference
from sql.calendar import recent_calendar
from sql.pool import transaction
from sql.publicity import confirm
from sql.queries import Q


def award_json(award: Award, version: int, approved_total: Money | None) -> dict[str, Any]:
    return {
        "amount_fen": award.amount.fen,
        "capped": award.capped,
        "breakdown": [
            {"label": b.label, "label_zh": b.label_zh, "amount_fen": b.amount.fen}
            for b in award.breakdown
        ],
        "rule_zh": award.rule_zh,
        "rule_en": award.rule_en,
        "program_version": version,
        "approved_total_fen": approved_total.fen if approved_total is not None else None,
    }


def _indexed(values: dict[str, Any] | None) -> dict[int, Any]:
    return {int(k): v for k, v in (values or {}).items()}


async def _pass_lines(
    conn: asyncpg.Connection, app_id: UUID, lines: list[StoredLine], data: s.DecisionIn
) -> dict[str, Any]:
    approved = {
        i: parse_money(v, f"approved_lines.{i}") for i, v in _indexed(data.approved_lines).items()
    }
    reviewed = review_lines(
        [x.amount for x in lines], approved, _indexed(data.line_reasons), data.comment
    )
    for i, r in enumerate(reviewed):
        await conn.execute(Q.set_line_review, app_id, i, r.approved.fen, r.reason)
    return {
        "approved_lines": {
            str(i): str(r.approved) for i, r in enumerate(reviewed) if r.approved != r.claimed
        }
    }


async def _approve(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    principal: Principal,
    now: dt.datetime,
    today: dt.date,
) -> dict[str, Any]:
    b = await bound_of(conn, row)
    lines = lines_from_rows(await conn.fetch(Q.lines_of, row["id"]))
    await engine.check_decision(conn, b, row, lines, today)
    reference = row["reference"] or await take_reference(conn, row["type"], today.year)
    await conn.execute(Q.set_reference, row["id"], reference)
    reviewed = [
        ReviewedLine(x.amount, x.approved if x.approved is not None else x.amount, x.cut_reason)
        for x in lines
    ]
    award = await engine.award(conn, b, row, lines)
    if award is None:  # a filing: recognition, no money
        return {"reference": reference}
    year = today.year
    parts = reservations(award, row["district_code"])
    await budgets.reserve(conn, row["id"], row["program_code"], year, parts, now)
    total = sum((r.approved for r in reviewed), Money.ZERO) if reviewed else None
    await conn.execute(
        Q.set_award,
        row["id"],
        award_json(award, row["program_version"], total),
        award.amount.fen,
        year,
        principal.user_id,
    )
    return {"reference": reference, "award": str(award.amount), "budget_year": year}


async def uphold(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    principal: Principal,
    now: dt.datetime,
    comment: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """An objection upheld: the award is withdrawn (its reservation released) and the
    application goes back to review; every objection still open on it is resolved as upheld."""
    target = next_status(
        await is_prior(conn, row["type"]),
        Status(row["status"]),
        Action.UPHOLD_OBJECTION,
        frozenset(principal.roles),
    )
    await budgets.release(conn, row["id"], now)
    await conn.execute(Q.clear_award, row["id"])
    resolved = await conn.fetch(
        Q.uphold_open_objections, row["id"], comment, principal.user_id, now
    )
    await record_transition(
        conn,
        row,
        action=Action.UPHOLD_OBJECTION.value,
        to_status=target,
        actor=ActorRef(principal.actor, principal.name),
        at=now,
        comment=comment,
        data={
            **(extra or {}),
            "released": str(Money(row["amount_approved_fen"] or 0)),
            "objection_ids": [str(r["id"]) for r in resolved],
        },
    )


async def decide(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    principal: Principal,
    application_id: UUID,
    data: s.DecisionIn,
    language: str,
) -> s.ApplicationOut:
    action = Action(data.action)
    async with transaction(pool) as conn:
        row = await lock(conn, application_id, principal.districts)
        if row is None:
            raise not_found()
        target = next_status(
            await is_prior(conn, row["type"]),
            Status(row["status"]),
            action,
            frozenset(principal.roles),
        )
        chain = (await bound_of(conn, row)).definition.workflow.review_chain
        check_scope(
            chain, Status(row["status"]), action, row["district_code"], city_staff=principal.city
        )
        check_decision(
            action,
            declared_no_conflict=data.declare_no_conflict,
            decider=str(principal.user_id),
            passed_by=str(row["passed_by"]) if row["passed_by"] else None,
        )
        if (
            action in (Action.RETURN, Action.REJECT, Action.UPHOLD_OBJECTION)
            and not data.comment.strip()
        ):
            raise RuleViolation(
                "comment_required",
                "Say why, for the applicant and the record.",
                field="comment",
                message_zh="请填写理由,供申请人查看并存档。",
            )
        extra: dict[str, Any] = {"declared_no_conflict": data.declare_no_conflict}
        if action == Action.UPHOLD_OBJECTION:
            await uphold(conn, row, principal, now, data.comment, extra)
        else:
            await _decide(conn, row, action, target, principal, now, today, data, extra)
    return await application_out(pool, application_id, principal, language)


async def _decide(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    action: Action,
    target: Status,
    principal: Principal,
    now: dt.datetime,
    today: dt.date,
    data: s.DecisionIn,
    extra: dict[str, Any],
) -> None:
    """Pass, return, reject or approve, with what each writes besides the status."""
    application_id = row["id"]
    if action == Action.PASS:
        b = await bound_of(conn, row)
        needed = engine.experts(b)
        if needed:
            check_scores(await conn.fetchval(Q.scores_count, application_id), needed)
        if data.approved_lines and b.lines_field is None:
            raise RuleViolation(
                "invalid_input",
                "This application has no lines to approve.",
                field="approved_lines",
                message_zh="该申请没有可核定的明细行。",
            )
        if b.line_kind != "budget":
            lines = lines_from_rows(await conn.fetch(Q.lines_of, application_id))
            extra |= await _pass_lines(conn, application_id, lines, data)
        if data.approved_fields:
            approved = {
                k: parse_money(v, f"approved_fields.{k}") for k, v in data.approved_fields.items()
            }
            extra |= await engine.approve_fields(conn, b, row, approved)
        await conn.execute(Q.set_passed, application_id, principal.user_id)
    elif action == Action.APPROVE:
        extra |= await _approve(conn, row, principal, now, today)
    row = await conn.fetchrow(Q.application_for_update, application_id)
    await record_transition(
        conn,
        row,
        action=action.value,
        to_status=target,
        actor=ActorRef(principal.actor, principal.name),
        at=now,
        comment=data.comment,
        data=extra,
    )
    if target == Status.APPROVED and not engine.publicized(await bound_of(conn, row)):
        # A program paid without publicity: confirmed at once, ready for finance.
        await confirm(conn, await conn.fetchrow(Q.application_for_update, application_id), now)


# The work queue's filters, in the order their parameters are numbered after work_queue_caller's.
# Status, type and program reach the planner as sub-selects, not values: it then costs every call
# alike and keeps one plan, where with the values it planned each common status + program page
# afresh, ~100 µs of PostgreSQL's CPU a page at 1M rows. The index
# still takes them: a sub-select's result feeds an index condition like a parameter.
_QUEUE_FILTERS = (
    "a.status = (SELECT ${}::text)",
    "a.type = (SELECT ${}::text)",
    "a.program_code = (SELECT ${}::text)",
    "(a.reference = ${0} OR a.title ILIKE '%' || ${0} || '%' OR o.name ILIKE '%' || ${0} || '%'"
    " OR o.uscc = upper(${0}))",
    "a.district_code = ANY(${}::text[])",  # a district staff member's scope
)
# Overdue only, after them: at a review stage since on or before the cutoff for its program's
# limit (domain.stages.overdue_cutoffs, indexed by the limit).
_OVERDUE_FILTER = (
    "a.status IN ('submitted', 'reviewed') AND (a.updated_at AT TIME ZONE 'Asia/Shanghai')::date"
    " <= (${}::date[])[1 + least(coalesce((SELECT (pv.params->>'review_sla_working_days')::int"
    " FROM program_versions pv WHERE pv.program_code = a.program_code"
    f" AND pv.version = a.program_version), {DEFAULT_SLA}), {MOST_SLA})]"
)
_CALLER_PARAMS = 3  # work_queue_caller's: the token digest, the time, the roles
_STAFF_ROLES = sorted(role.value for role in STAFF_ROLES)  # what the route's guard requires


class _Ages:
    """Working days from a date to today, per date, kept while the calendar and today hold: a
    page's rows entered their status on many dates, and pages repeat them."""

    def __init__(self) -> None:
        self._calendar: WorkCalendar | None = None
        self._today: dt.date | None = None
        self._days: dict[dt.date, int] = {}

    def counting(self, calendar: WorkCalendar, today: dt.date) -> dict[dt.date, int]:
        if calendar is not self._calendar or today != self._today or len(self._days) > 20_000:
            self._calendar, self._today, self._days = calendar, today, {}
        return self._days


_AGES = _Ages()


@lru_cache(maxsize=128)
def _queue_sql(present: tuple[bool, ...], after: bool, limit: int, overdue: bool = False) -> str:
    """The work-queue statement for this combination of filters (see Q.work_queue).

    The limit is written into the statement, not sent as a parameter: PostgreSQL costs a generic
    plan with an unknown LIMIT as if it returned a share of the table (~20,000 against ~500 at
    1M rows), so it planned every execution afresh. `limit` is
    an int from a validated query parameter, never text.
    """
    parts = [Q.work_queue_search if present[3] else Q.work_queue, Q.work_queue_caller]
    n = _CALLER_PARAMS
    for given, condition in zip(present, _QUEUE_FILTERS, strict=True):
        if given:
            n += 1
            parts.append(f"  AND {condition.format(n)}")
    if overdue:
        n += 1
        parts.append(f"  AND {_OVERDUE_FILTER.format(n)}")
    if after:
        parts.append(f"  AND (a.created_at, a.id) > (${n + 1}::timestamptz, ${n + 2}::uuid)")
        n += 2
    parts.append(f"ORDER BY a.created_at, a.id\nLIMIT {int(limit)}")
    return "\n".join(parts)


async def queue(
    pool: asyncpg.Pool,
    caller: Principal,
    now: dt.datetime,
    *,
    status: str | None,
    type_: str | None,
    program: str | None,
    q: str | None,
    limit: int,
    cursor: str | None,
    overdue: bool = False,
) -> QueuePage:
    after_at, after_id = decode_cursor(cursor)
    today = business_date(now)
    calendar = await recent_calendar(pool)
    cutoffs = overdue_cutoffs(calendar, today) if overdue else None
    filters = (status, type_, program, q or None, caller.scope())
    args: list[Any] = [caller.unverified_token(), now, _STAFF_ROLES]
    args += [f for f in filters if f is not None]
    if cutoffs is not None:
        args.append(cutoffs)
    if after_at is not None:
        args += [after_at, after_id]
    sql = _queue_sql(
        tuple(f is not None for f in filters), after_at is not None, limit + 1, overdue
    )
    rows = await pool.fetch(sql, *args)
    if rows:  # an empty page cannot tell a refused token from an empty queue: it is read again
        caller.verified_by_statement()
    # By position (the queue's columns: the summary's 13, then the version and the district). A
    # row's stage and limit follow from its status, version and (a submitted row's: whose first
    # review it awaits) district, worked out once a page; its age from the business date it
    # entered its status (updated_at's) alone, counted once a process while the calendar holds.
    plans: dict[tuple[str, str, int, str], tuple[str | None, int | None]] = {}
    ages = _AGES.counting(calendar, today)
    items = []
    for r in rows[:limit]:
        status = r[2]
        key = (status, r[4], r[13], r[14] if status == "submitted" else "")
        plan = plans.get(key)
        if plan is None:
            chain, sla = await review_rules(pool, key[1], key[2])
            plan = plans[key] = (stage_of(status, chain, key[3]), limit_of(status, sla))
        stage, most = plan
        since = business_date(r[9])
        waited = ages.get(since)
        if waited is None:
            waited = ages[since] = calendar.working_days_between(since, today)
        items.append(
            summary_as(
                r,
                QueueItem,
                stage=stage,
                age_working_days=waited,
                sla_working_days=most,
                overdue=most is not None and waited > most,
            )
        )
    more = len(rows) > limit
    return QueuePage(
        items, encode_cursor(rows[limit - 1]["created_at"], rows[limit - 1]["id"]) if more else None
    )
