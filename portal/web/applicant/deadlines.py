"""The next date an applicant must act by, from the domain's own deadline helpers.

Nothing here decides a rule: the dates come from `domain.programs` with the parameters of the
program version each application was made under.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

import asyncpg

from domain.programs import (
    EventSupportParams,
    IpoOverseasParams,
    claim_window,
    latest_filing_date,
    overseas_apply_by,
)
from portal.applications.program_params import version_params
from portal.applications.schemas import ApplicationSummary
from sql.queries import Q


@dataclass(frozen=True)
class Deadline:
    key: str  # i18n key of what is due: filing_by, claim_by, call_closes, apply_by, to_fix
    on: dt.date | None = None
    days_left: int | None = None


def _due(key: str, on: dt.date, today: dt.date) -> Deadline:
    return Deadline(key, on, (on - today).days)


def _day(payload: dict[str, Any], name: str) -> dt.date | None:
    text = payload.get(name)
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


async def _event_params(conn: asyncpg.Connection, version: int) -> EventSupportParams:
    params, _ = await version_params(conn, "event-support", version)
    return cast(EventSupportParams, params)


async def claim_period(
    conn: asyncpg.Connection, filing: asyncpg.Record
) -> tuple[dt.date, dt.date] | None:
    """The first and last day a claim against this filing (a `filing_for_claim` row) may be
    submitted, under the program version the filing was made with."""
    ends_on = _day(filing["payload"], "ends_on")
    if ends_on is None:
        return None
    return claim_window(await _event_params(conn, filing["program_version"]), ends_on)


async def claim_deadline(conn: asyncpg.Connection, filing: asyncpg.Record) -> dt.date | None:
    period = await claim_period(conn, filing)
    return period[1] if period is not None else None


async def next_deadline(
    conn: asyncpg.Connection, item: ApplicationSummary, today: dt.date
) -> Deadline | None:
    if item.status == "returned":
        return Deadline("to_fix")
    if item.type == "event_filing" and item.status in ("draft", "recognized"):
        filing = await conn.fetchrow(Q.filing_for_claim, item.id)
        if item.status == "draft":
            starts_on = _day(filing["payload"], "starts_on")
            if starts_on is None:
                return None
            params = await _event_params(conn, filing["program_version"])
            return _due("filing_by", latest_filing_date(params, starts_on), today)
        if await conn.fetchval(Q.live_claim_for_filing, item.id, None) is not None:
            return None  # claimed already: nothing more is due on the filing
        last = await claim_deadline(conn, filing)
        return _due("claim_by", last, today) if last is not None and last >= today else None
    if item.status != "draft":
        return None
    if item.type == "event_claim":
        row = await conn.fetchrow(Q.application_by_id, item.id)
        filing = await conn.fetchrow(Q.filing_for_claim, row["filing_id"])
        last = await claim_deadline(conn, filing) if filing is not None else None
        return _due("claim_by", last, today) if last is not None else None
    if item.type == "scenario_project":
        row = await conn.fetchrow(Q.application_by_id, item.id)
        year = row["payload"].get("call_year")
        call = await conn.fetchrow(Q.call_of, item.program_code, year) if year else None
        return _due("call_closes", call["closes_on"], today) if call is not None else None
    if item.type == "ipo_overseas_claim":
        params, _ = await version_params(conn, item.program_code, await _version(conn, item))
        return _due(
            "apply_by", overseas_apply_by(cast(IpoOverseasParams, params), today.year), today
        )
    return None


async def _version(conn: asyncpg.Connection, item: ApplicationSummary) -> int:
    row = await conn.fetchrow(Q.application_by_id, item.id)
    return int(row["program_version"])
