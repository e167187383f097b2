"""The next date an applicant must act by, from the calendar rules of each application's form.

Nothing here decides a rule: the dates come from the definition of the program version each
application was made under (a deadline before an event, the claim window after it, the yearly
call, the yearly closing day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import asyncpg

from domain.definition.model import Deadline as DeadlineRule
from domain.definition.model import LinkWindow, WithinCall, YearlyWindow
from portal.applications.schemas import ApplicationSummary
from portal.programs.forms import Bound, bound_of, claim_form, stored_value
from sql.queries import Q


@dataclass(frozen=True)
class Deadline:
    key: str  # i18n key of what is due: filing_by, claim_by, call_closes, apply_by, to_fix
    on: dt.date | None = None
    days_left: int | None = None


def _due(key: str, on: dt.date, today: dt.date) -> Deadline:
    return Deadline(key, on, (on - today).days)


def _day(payload: dict[str, Any], name: str) -> dt.date | None:
    text = stored_value(payload, name)
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


async def claim_period(
    conn: asyncpg.Connection, prior: asyncpg.Record | None
) -> tuple[dt.date, dt.date] | None:
    """The first and last day a claim pointing to this earlier application (a
    `prior_application` row) may be submitted, under the version it was made with."""
    if prior is None:
        return None
    claim = await claim_form(conn, prior["program_code"], prior["program_version"])
    rule = next((r for r in claim.form.eligibility if isinstance(r, LinkWindow)), None)
    base = _day(prior["payload"], rule.field) if rule else None
    if rule is None or base is None:
        return None
    return base + dt.timedelta(days=rule.from_days), base + dt.timedelta(days=rule.to_days)


async def claim_deadline(conn: asyncpg.Connection, prior: asyncpg.Record) -> dt.date | None:
    period = await claim_period(conn, prior)
    return period[1] if period is not None else None


async def next_deadline(
    conn: asyncpg.Connection, item: ApplicationSummary, today: dt.date
) -> Deadline | None:
    if item.status == "returned":
        return Deadline("to_fix")
    if item.status not in ("draft", "recognized"):
        return None
    row = await conn.fetchrow(Q.application_by_id, item.id)
    b = await bound_of(conn, row)
    if b.prior:
        return await _prior_deadline(conn, b, row, today)
    if item.status != "draft":
        return None
    return await _claim_deadline(conn, b, row, today)


async def _prior_deadline(
    conn: asyncpg.Connection, b: Bound, row: asyncpg.Record, today: dt.date
) -> Deadline | None:
    if row["status"] == "draft":
        rule = next((r for r in b.form.eligibility if isinstance(r, DeadlineRule)), None)
        day = _day(row["payload"], rule.field) if rule else None
        if rule is None or day is None:
            return None
        return _due("filing_by", day - dt.timedelta(days=rule.days), today)
    if await conn.fetchval(Q.live_claim_for_filing, row["id"], None) is not None:
        return None  # claimed already: nothing more is due on it
    last = await claim_deadline(conn, row)
    return _due("claim_by", last, today) if last is not None and last >= today else None


async def _claim_deadline(
    conn: asyncpg.Connection, b: Bound, row: asyncpg.Record, today: dt.date
) -> Deadline | None:
    if row["filing_id"] is not None:
        prior = await conn.fetchrow(Q.prior_application, row["filing_id"])
        last = await claim_deadline(conn, prior) if prior is not None else None
        return _due("claim_by", last, today) if last is not None else None
    for rule in b.form.eligibility:
        if isinstance(rule, WithinCall):
            year = stored_value(row["payload"], rule.year_field) if rule.year_field else None
            year = year if isinstance(year, int) else today.year
            call = await conn.fetchrow(Q.call_of, b.code, year)
            return _due("call_closes", call["closes_on"], today) if call is not None else None
        if isinstance(rule, YearlyWindow):
            month, day = int(rule.closes[:2]), int(rule.closes[3:])
            return _due("apply_by", dt.date(today.year, month, day), today)
    return None
