"""Publicity (公示): approved awards are published for a number of working days."""

from __future__ import annotations

import datetime as dt

from domain.calendar import WorkCalendar
from domain.errors import RuleViolation

PUBLICITY_WORKING_DAYS = 5


def publicity_period(
    calendar: WorkCalendar, starts_on: dt.date, today: dt.date, working_days: int
) -> tuple[dt.date, dt.date]:
    """First and last day of a batch: it may not start in the past, and runs N working days."""
    if starts_on < today:
        raise RuleViolation(
            "invalid_input",
            "Publicity cannot start in the past.",
            field="starts_on",
            message_zh="公示开始日期不能早于今天。",
        )
    first = calendar.working_day_on_or_after(starts_on)
    return first, calendar.period_end(first, working_days)


def period_over(ends_on: dt.date, today: dt.date) -> bool:
    """The period includes its last day; it is over from the next day on."""
    return today > ends_on
