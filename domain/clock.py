"""The one clock. Business dates are dates in China (Asia/Shanghai), whatever the server's zone.

Domain functions take `today` or `now` as arguments; processes hold a Clock and pass it along,
so tests and demos can set the date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


def business_date(instant: datetime) -> date:
    return instant.astimezone(BUSINESS_TZ).date()


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return business_date(self.now())


class OffsetClock(SystemClock):
    """The system's time moved by whole days: a training clock, to walk past an event's end or a
    publicity period on a sandbox (never in production: the settings refuse it there)."""

    def __init__(self, days: int) -> None:
        self.days = days

    def now(self) -> datetime:
        return super().now() + timedelta(days=self.days)


def clock_for(offset_days: int) -> SystemClock:
    """The process's clock: the system's, or a training clock when an offset is set."""
    return OffsetClock(offset_days) if offset_days else SystemClock()


class FrozenClock:
    """A clock that stands still until moved: for tests and for rehearsing deadlines."""

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._instant = instant

    def now(self) -> datetime:
        return self._instant

    def today(self) -> date:
        return business_date(self._instant)

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._instant = instant

    def set_date(self, day: date, hour: int = 10) -> None:
        self._instant = datetime(day.year, day.month, day.day, hour, tzinfo=BUSINESS_TZ)

    def advance(self, delta: timedelta) -> None:
        self._instant += delta
