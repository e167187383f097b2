"""The training clock moves the system's time by whole days, and only when asked."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import OffsetClock, SystemClock, clock_for


def test_an_offset_clock_runs_ahead_by_its_days() -> None:
    ahead = OffsetClock(40).now() - SystemClock().now()
    assert timedelta(days=40) - timedelta(seconds=5) < ahead <= timedelta(days=40)
    behind = OffsetClock(-3).now() - SystemClock().now()
    assert timedelta(days=-3) - timedelta(seconds=5) < behind <= timedelta(days=-3)


def test_no_offset_is_the_system_clock() -> None:
    assert type(clock_for(0)) is SystemClock
    assert isinstance(clock_for(5), OffsetClock) and clock_for(5).days == 5  # type: ignore[attr-defined]
