"""Chinese working days: weekends and public holidays off, make-up working days (调休) on.

The holiday and make-up days come from the State Council's yearly notice (the
`calendar_days` table); this module only counts. Dates are passed in, never read from a clock.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

_SATURDAY = 5  # date.weekday(): Monday 0 … Sunday 6


def _weekdays_through(ordinal: int) -> int:
    """Mondays-to-Fridays among ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays (days off that would be working days) and make-up working days (weekend
    days that are worked). Days in neither set follow the week: Monday–Friday work."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    # Sorted exceptions to the plain week, for counting by bisection instead of day by day.
    _off_weekdays: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _on_weekends: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"days both holiday and workday: {sorted(both)}")
        off = sorted(d.toordinal() for d in self.holidays if d.weekday() < _SATURDAY)
        on = sorted(d.toordinal() for d in self.workdays if d.weekday() >= _SATURDAY)
        object.__setattr__(self, "_off_weekdays", tuple(off))
        object.__setattr__(self, "_on_weekends", tuple(on))

    @classmethod
    def from_days(cls, days: Iterable[tuple[dt.date, str]]) -> WorkCalendar:
        """Build from `(day, kind)` pairs with kind `holiday` or `workday` (the table's rows)."""
        holidays: set[dt.date] = set()
        workdays: set[dt.date] = set()
        for day, kind in days:
            if kind == "holiday":
                holidays.add(day)
            elif kind == "workday":
                workdays.add(day)
            else:
                raise ValueError(f"unknown calendar day kind {kind!r} on {day}")
        return cls(frozenset(holidays), frozenset(workdays))

    def is_working_day(self, d: dt.date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < _SATURDAY

    def working_day_on_or_after(self, d: dt.date) -> dt.date:
        """`d` itself when it is a working day, else the next working day."""
        while not self.is_working_day(d):
            d += dt.timedelta(days=1)
        return d

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date that is the n-th working day after `start` (`start` itself not counted,
        whether or not it is a working day). n = 0 returns `start` unchanged."""
        if n < 0:
            raise ValueError("n must be >= 0")
        d = start
        while n:
            d += dt.timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def period_end(self, start: dt.date, n: int) -> dt.date:
        """Last day of a period of n working days beginning on `start` (on the next working
        day when `start` is not one): e.g. 5 days from Monday 2025-03-03 end Friday 03-07."""
        if n < 1:
            raise ValueError("a period has at least one working day")
        return self.add_working_days(self.working_day_on_or_after(start), n - 1)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Number of working days d with a < d <= b: `a` excluded, `b` included (so
        `working_days_between(s, add_working_days(s, n)) == n`); 0 when b <= a.

        Counted arithmetically (weekdays, less holidays on weekdays, plus worked weekend
        days) so that spans of years cost no more than a few bisections.
        """
        if b <= a:
            return 0
        lo, hi = a.toordinal(), b.toordinal()
        plain = _weekdays_through(hi) - _weekdays_through(lo)
        off = bisect.bisect_right(self._off_weekdays, hi) - bisect.bisect_right(
            self._off_weekdays, lo
        )
        on = bisect.bisect_right(self._on_weekends, hi) - bisect.bisect_right(self._on_weekends, lo)
        return plain - off + on
