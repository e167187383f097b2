"""Statistics: the public figures (money approved and paid by program, district and year; counts;
time to payment) and the staff's of each scope (backlog, throughput, budgets), each kept a minute
(`cache.py`). Every figure is an SQL aggregate (sql/queries/statistics.sql); Python only rolls the
few grouped rows up."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import asyncpg
import msgspec
from litestar import Response
from redis.asyncio import Redis

from domain.districts import district_names
from domain.money import fen_text
from domain.stages import DEFAULT_SLA
from domain.statistics import AWARDED, GROUP_OF, GROUPS, Waiting, backlog
from portal.auth.principal import Principal
from portal.context import Context
from portal.exports.services import XLSX, audit_download
from portal.programs import services as programs
from portal.statistics import schemas as s
from portal.statistics.cache import PublicFigures
from portal.statistics.workbook import staff_tables, write_csv, write_xlsx
from sql.calendar import load_calendar
from sql.queries import Q

THROUGHPUT_DAYS = 30


class _Sums:
    """Running totals for one row of a money table."""

    __slots__ = ("approved", "approved_count", "paid", "paid_count")

    def __init__(self) -> None:
        self.approved = self.approved_count = self.paid = self.paid_count = 0

    def tally(self) -> dict[str, object]:
        return {
            "approved": fen_text(self.approved),
            "approved_count": self.approved_count,
            "paid": fen_text(self.paid),
            "paid_count": self.paid_count,
        }


async def public(
    pool: asyncpg.Pool, redis: Redis, cache: PublicFigures, now: dt.datetime
) -> s.PublicStatistics:
    """The public figures as of at most about a minute ago."""
    return await cache.get(redis, now, lambda: compute_public(pool, now))


async def compute_public(pool: asyncpg.Pool, now: dt.datetime) -> s.PublicStatistics:
    # One snapshot, so the counts, sums and payments agree with each other.
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        titles = await _titles(conn)
        applications = await conn.fetch(Q.statistics_applications)
        payments = await conn.fetch(Q.statistics_paid)
        days = await conn.fetchrow(Q.statistics_payment_days)

    total = _Sums()
    by_program: dict[str, _Sums] = defaultdict(_Sums)
    by_district: dict[str, _Sums] = defaultdict(_Sums)
    by_year: dict[int, _Sums] = defaultdict(_Sums)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GROUPS, 0))
    for r in applications:
        counts[r["program"]][GROUP_OF[r["status"]]] += r["n"]
        if r["status"] in AWARDED:
            cuts = [total, by_program[r["program"]], by_district[r["district"]]]
            if r["year"] is not None:
                cuts.append(by_year[r["year"]])
            for cut in cuts:
                cut.approved += r["approved_fen"]
                cut.approved_count += r["n"]
    for r in payments:
        in_program, in_district = by_program[r["program"]], by_district[r["district"]]
        for cut in (total, in_program, in_district, by_year[r["year"]]):
            cut.paid += r["paid_fen"]
            cut.paid_count += r["n"]

    def program(code: str) -> dict[str, str]:
        zh, en = titles.get(code, (code, code))
        return {"program": code, "title_zh": zh, "title_en": en}

    def district(code: str) -> dict[str, str]:
        zh, en = district_names(code)
        return {"district": code, "name_zh": zh, "name_en": en}

    return s.PublicStatistics(
        as_of=now,
        totals=msgspec.convert(total.tally(), s.Tally),
        applications_total=sum(sum(c.values()) for c in counts.values()),
        by_program=[
            msgspec.convert(m.tally() | program(code), s.ProgramMoney)
            for code, m in sorted(by_program.items())
        ],
        by_district=[
            msgspec.convert(m.tally() | district(code), s.DistrictMoney)
            for code, m in sorted(by_district.items())
        ],
        by_year=[
            msgspec.convert(m.tally() | {"year": year}, s.YearMoney)
            for year, m in sorted(by_year.items())
        ],
        applications=[
            msgspec.convert(c | program(code) | {"total": sum(c.values())}, s.ProgramCounts)
            for code, c in sorted(counts.items())
        ],
        payment_time=s.PaymentTime(
            median_days=None if days["median"] is None else round(days["median"], 1),
            payments=days["n"],
        ),
    )


async def _titles(conn: asyncpg.Connection) -> dict[str, tuple[str, str]]:
    rows = await conn.fetch(Q.statistics_programs)
    return {r["code"]: (r["title_zh"], r["title_en"]) for r in rows}


async def staff(ctx: Context, principal: Principal, year: int | None = None) -> s.StaffStatistics:
    """The staff figures of `principal`'s scope and a year, as of at most about a minute ago."""
    now, today, districts = ctx.clock.now(), ctx.today(), principal.scope()
    year = year or today.year
    return await ctx.staff_statistics.of(year, districts).get(
        ctx.redis, now, lambda: compute_staff(ctx.pool, now, today, year, districts)
    )


async def compute_staff(
    pool: asyncpg.Pool,
    now: dt.datetime,
    today: dt.date,
    year: int | None = None,
    districts: list[str] | None = None,
) -> s.StaffStatistics:
    """The backlog now, the last 30 days' decisions per person, and the year's budgets; the
    backlog and decisions of `districts` only, when given (a district staff member's scope)."""
    year = year or today.year
    since = now - dt.timedelta(days=THROUGHPUT_DAYS)
    budgets = await programs.budget_totals(pool, year, districts)  # each program's funders added
    calendar = await load_calendar(pool)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        titles = await _titles(conn)
        waiting = await conn.fetch(Q.statistics_backlog, DEFAULT_SLA, districts)
        decided = await conn.fetch(Q.statistics_decisions, since, districts)
    stages = backlog(
        (Waiting(r["status"], r["since"], r["sla"], r["n"]) for r in waiting), calendar, today
    )
    return s.StaffStatistics(
        as_of=now,
        today=today,
        backlog=s.Backlog(
            default_limit_working_days=DEFAULT_SLA,
            stages=[
                s.StageOut(
                    stage=b.stage,
                    count=b.count,
                    median_age_working_days=b.median_age,
                    oldest_age_working_days=b.oldest_age,
                    over_limit=b.over_limit,
                )
                for b in stages
            ],
        ),
        throughput=_throughput(decided, since),
        budgets=s.Budgets(
            year=year,
            items=[
                s.BudgetUse(
                    program=b.program,
                    title_zh=titles.get(b.program, (b.program, b.program))[0],
                    title_en=titles.get(b.program, (b.program, b.program))[1],
                    budget=b.allocated,
                    reserved=b.reserved,
                    spent=b.spent,
                    left=b.available,
                )
                for b in budgets.items
            ],
        ),
    )


def _throughput(rows: Iterable[asyncpg.Record], since: dt.datetime) -> s.Throughput:
    people: dict[str, s.ReviewerOut] = {}
    for r in rows:
        actor = r["actor"]
        person = people.get(actor)
        if person is None:
            user_id = actor.removeprefix("user:") if actor.startswith("user:") else None
            person = people[actor] = s.ReviewerOut(
                user_id=user_id, name=r["name"] or actor, decisions={}, total=0
            )
        person.decisions[r["action"].removeprefix("application.")] = r["n"]
        person.total += r["n"]
    reviewers = sorted(people.values(), key=lambda p: (-p.total, p.name))
    return s.Throughput(
        since=since,
        days=THROUGHPUT_DAYS,
        reviewers=reviewers,
        total=sum(p.total for p in reviewers),
    )


# ---------------------------------------------------------------- downloads

_FILES = {"xlsx": ("statistics.xlsx", XLSX), "csv": ("statistics.csv", "text/csv; charset=utf-8")}


async def download(
    ctx: Context, principal: Principal, language: str, kind: str, year: int | None = None
) -> Response[bytes]:
    """The staff figures as a workbook or a CSV file; on the audit trail before they leave."""
    figures = await staff(ctx, principal, year)
    name, media_type = _FILES[kind]
    await audit_download(ctx.pool, ctx.clock.now(), principal, name)
    tables = staff_tables(figures, language)
    body = (
        await asyncio.to_thread(write_xlsx, tables)
        if kind == "xlsx"
        else write_csv(tables).encode("utf-8-sig")  # the BOM: Excel reads the Chinese as UTF-8
    )
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
