"""Configuration pages: yearly calls (with ranking), exchanges, the calendar."""

from __future__ import annotations

import calendar as cal
import datetime as dt
from typing import Annotated

import msgspec
from litestar import get, post
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template

from domain.accounts import Role
from domain.errors import RuleViolation
from portal.auth.guards import city_staff, has_role, principal_of
from portal.calendar import schemas as calendar_schemas
from portal.calendar import services as calendar
from portal.calls import schemas as call_schemas
from portal.calls import services as call_service
from portal.context import Ctx
from portal.i18n import language_of
from portal.programs import schemas as program_schemas
from portal.programs import services as programs
from portal.web.console.common import ADMIN_ONLY, AnyRequest, render, see_other
from portal.web.forms import REFUSALS, Errors, checked, failure, read_form, text
from sql.queries import Q

Year = Annotated[int | None, Parameter(ge=2000, le=2100)]


class ConfigPages:
    """Mixed into ConsolePages (path /console)."""

    # ------------------------------------------------------------------ calls

    @get("/calls")
    async def calls(self, ctx: Ctx, request: AnyRequest) -> Template:
        return await _calls_page(ctx, request)

    @post("/calls", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def put_call(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        program, year = text(form, "program"), text(form, "year")
        try:
            data = msgspec.convert(
                {"opens_on": text(form, "opens_on"), "closes_on": text(form, "closes_on")},
                call_schemas.CallIn,
                strict=False,
            )
            if not year.isdigit():
                raise RuleViolation(
                    "invalid_input", "Give the year.", field="year", message_zh="请填写年度。"
                )
            await call_service.put_call(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                principal_of(request),
                program,
                int(year),
                data,
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return await _calls_page(
                ctx,
                request,
                status_code=status,
                errors=errors,
                submitted={k: text(form, k) for k in form},
            )
        return see_other("/console/calls?done=1")

    @get("/calls/{program:str}/{year:int}/ranking")
    async def ranking(
        self, ctx: Ctx, request: AnyRequest, program: FromPath[str], year: FromPath[int]
    ) -> Template:
        return await _ranking_page(ctx, request, program, year)

    @post(
        "/calls/{program:str}/{year:int}/selection",
        status_code=303,
        guards=[has_role(Role.APPROVER)],
    )
    async def select(
        self, ctx: Ctx, request: AnyRequest, program: FromPath[str], year: FromPath[int]
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            data = msgspec.convert(
                {
                    "declare_no_conflict": checked(form, "declare_no_conflict"),
                    "comment": text(form, "comment"),
                },
                call_schemas.SelectionIn,
            )
            result = await call_service.select(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                principal_of(request),
                program,
                year,
                data,
                language_of(request),
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return await _ranking_page(
                ctx, request, program, year, status_code=status, errors=errors
            )
        return await _ranking_page(ctx, request, program, year, selection=result)

    # ------------------------------------------------------------------ exchanges

    @get("/exchanges")
    async def exchanges(self, ctx: Ctx, request: AnyRequest) -> Template:
        return await _exchanges_page(ctx, request)

    @post("/exchanges", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def put_exchange(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        code = text(form, "code").upper()
        try:
            data = msgspec.convert(
                {
                    "valid_from": text(form, "valid_from"),
                    "name_zh": text(form, "name_zh"),
                    "name_en": text(form, "name_en"),
                    "market": text(form, "market"),
                    "jurisdiction": text(form, "jurisdiction").upper(),
                    "eligible": checked(form, "eligible"),
                },
                program_schemas.ExchangeIn,
                strict=False,
            )
            msgspec.convert({"code": code}, _ExchangeCode)
            await programs.put_exchange(
                ctx.pool, ctx.clock.now(), principal_of(request), code, data, language_of(request)
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return await _exchanges_page(
                ctx,
                request,
                status_code=status,
                errors=errors,
                submitted={k: text(form, k) for k in form},
            )
        return see_other("/console/exchanges?done=1")

    # ------------------------------------------------------------------ calendar

    @get("/calendar")
    async def calendar_year(self, ctx: Ctx, request: AnyRequest, year: Year = None) -> Template:
        return await _calendar_page(ctx, request, year or ctx.today().year)

    @post("/calendar", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def put_day(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        raw_day = text(form, "day")
        try:
            day = _day(raw_day)
            data = msgspec.convert(
                {
                    "kind": text(form, "kind"),
                    "name_zh": text(form, "name_zh"),
                    "name_en": text(form, "name_en"),
                },
                calendar_schemas.DayIn,
            )
            await calendar.put_day(
                ctx.pool, ctx.clock.now(), principal_of(request), day, data, language_of(request)
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            year = _year_of(raw_day) or ctx.today().year
            return await _calendar_page(
                ctx,
                request,
                year,
                status_code=status,
                errors=errors,
                submitted={k: text(form, k) for k in form},
            )
        return see_other(f"/console/calendar?year={day.year}&done=1")

    @post("/calendar/{day:date}/delete", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def delete_day(self, ctx: Ctx, request: AnyRequest, day: FromPath[dt.date]) -> Redirect:
        await calendar.delete_day(ctx.pool, ctx.clock.now(), principal_of(request), day)
        return see_other(f"/console/calendar?year={day.year}&done=1")


class _ExchangeCode(msgspec.Struct):
    code: program_schemas.ExchangeCode


def _day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise RuleViolation(
            "invalid_input", "Give a date (YYYY-MM-DD).", field="day", message_zh="请填写日期。"
        ) from None


def _year_of(raw: str) -> int | None:
    head = raw[:4]
    return int(head) if head.isdigit() and 2000 <= int(head) <= 2100 else None


async def _calls_page(
    ctx: Ctx,
    request: AnyRequest,
    *,
    status_code: int = 200,
    errors: Errors | None = None,
    submitted: dict[str, str] | None = None,
) -> Template:
    listed = await call_service.list_calls(ctx.pool, ctx.today())
    titles = await programs.list_programs(ctx.pool, ctx.today())
    year = ctx.today().year
    # Programs with a yearly call, and those of them whose applications experts score and rank.
    called = [p for p in titles.items if (p.params.get("workflow") or {}).get("yearly_call")]
    ranked = [p.code for p in called if (p.params.get("workflow") or {}).get("experts")]
    return render(
        request,
        "calls.html",
        status_code=status_code,
        calls=listed.items,
        programs=called or titles.items,
        ranked=ranked,
        errors=errors or {},
        submitted=submitted
        or {
            "program": ranked[0] if ranked else "",
            "year": str(year),
            "opens_on": ctx.today().isoformat(),
            "closes_on": dt.date(year, 12, 31).isoformat(),
        },
        done=request.query_params.get("done"),
    )


async def _ranking_page(
    ctx: Ctx,
    request: AnyRequest,
    program: str,
    year: int,
    *,
    status_code: int = 200,
    errors: Errors | None = None,
    selection: call_schemas.SelectionOut | None = None,
) -> Template:
    ranking = await call_service.ranking(
        ctx.pool, program, year, ctx.today(), principal_of(request)
    )
    return render(
        request,
        "ranking.html",
        status_code=status_code,
        ranking=ranking,
        errors=errors or {},
        selection=selection,
    )


async def _exchanges_page(
    ctx: Ctx,
    request: AnyRequest,
    *,
    status_code: int = 200,
    errors: Errors | None = None,
    submitted: dict[str, str] | None = None,
) -> Template:
    language = language_of(request)
    current = await programs.list_exchanges(ctx.pool, ctx.today(), language)
    history = await ctx.pool.fetch(Q.exchange_history)
    return render(
        request,
        "exchanges.html",
        status_code=status_code,
        exchanges=current.items,
        history=history,
        errors=errors or {},
        submitted=submitted
        or {"valid_from": ctx.today().isoformat(), "market": "overseas", "eligible": "on"},
        done=request.query_params.get("done"),
    )


async def _calendar_page(
    ctx: Ctx,
    request: AnyRequest,
    year: int,
    *,
    status_code: int = 200,
    errors: Errors | None = None,
    submitted: dict[str, str] | None = None,
) -> Template:
    listed = await calendar.year(ctx.pool, year, language_of(request))
    marked = {d.day: d for d in listed.items}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in cal.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append(
                [
                    {
                        "day": d,
                        "in_month": d.month == month,
                        "weekend": d.weekday() >= 5,
                        "mark": marked.get(d) if d.month == month else None,
                    }
                    for d in week
                ]
            )
        months.append({"month": month, "weeks": weeks})
    return render(
        request,
        "calendar.html",
        status_code=status_code,
        year=year,
        days=listed.items,
        months=months,
        errors=errors or {},
        submitted=submitted or {"day": "", "kind": "holiday", "name_zh": "", "name_en": ""},
        done=request.query_params.get("done"),
    )
