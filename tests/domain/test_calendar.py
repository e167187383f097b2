"""Working-day calendar: counted by hand across the 2025 Spring Festival and National Day."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import WorkCalendar

D = date


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


# The 2025 notice (国务院办公厅关于2025年部分节假日安排的通知), as literal dates.
SPRING_OFF = _span(D(2025, 1, 28), D(2025, 2, 4))
NATIONAL_OFF = _span(D(2025, 10, 1), D(2025, 10, 8))
MAKEUP = {D(2025, 1, 26), D(2025, 2, 8), D(2025, 9, 28), D(2025, 10, 11)}
CAL = WorkCalendar(frozenset(SPRING_OFF | NATIONAL_OFF), frozenset(MAKEUP))

SQL_FILE = Path(__file__).resolve().parents[2] / "sql" / "migrations" / "0003_calendar.sql"


def test_is_working_day_around_spring_festival() -> None:
    assert CAL.is_working_day(D(2025, 1, 24))  # Friday
    assert not CAL.is_working_day(D(2025, 1, 25))  # Saturday
    assert CAL.is_working_day(D(2025, 1, 26))  # Sunday, make-up day
    assert CAL.is_working_day(D(2025, 1, 27))  # Monday
    for d in SPRING_OFF:
        assert not CAL.is_working_day(d), d
    assert CAL.is_working_day(D(2025, 2, 5))
    assert CAL.is_working_day(D(2025, 2, 8))  # Saturday, make-up day
    assert not CAL.is_working_day(D(2025, 2, 9))  # Sunday


def test_is_working_day_around_national_day() -> None:
    assert not CAL.is_working_day(D(2025, 9, 27))  # Saturday
    assert CAL.is_working_day(D(2025, 9, 28))  # Sunday, make-up day
    assert CAL.is_working_day(D(2025, 9, 30))
    for d in NATIONAL_OFF:
        assert not CAL.is_working_day(d), d
    assert CAL.is_working_day(D(2025, 10, 9))
    assert CAL.is_working_day(D(2025, 10, 11))  # Saturday, make-up day
    assert not CAL.is_working_day(D(2025, 10, 12))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2025, 3, 3), 0, D(2025, 3, 3)),
        (D(2025, 1, 25), 0, D(2025, 1, 25)),  # n = 0 leaves even a day off unchanged
        (D(2025, 3, 3), 4, D(2025, 3, 7)),
        (D(2025, 3, 7), 1, D(2025, 3, 10)),  # Friday + 1 → Monday
        # Fri 01-24 → Sun 01-26 (1), Mon 01-27 (2), 01-28..02-04 off,
        # 02-05 (3), 02-06 (4), 02-07 (5)
        (D(2025, 1, 24), 5, D(2025, 2, 7)),
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 2, 7), 1, D(2025, 2, 8)),  # Friday → make-up Saturday
        # Fri 09-26 → Sun 09-28 (1), 09-29 (2), 09-30 (3), off to 10-08, 10-09 (4), 10-10 (5)
        (D(2025, 9, 26), 5, D(2025, 10, 10)),
        (D(2025, 9, 26), 6, D(2025, 10, 11)),
        (D(2025, 9, 26), 7, D(2025, 10, 13)),
        (D(2025, 10, 3), 1, D(2025, 10, 9)),  # from inside the holiday
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


def test_add_working_days_refuses_negative() -> None:
    with pytest.raises(ValueError, match="n must be"):
        CAL.add_working_days(D(2025, 1, 1), -1)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2025, 3, 3), 5, D(2025, 3, 7)),  # Monday to Friday
        (D(2025, 3, 3), 1, D(2025, 3, 3)),  # a one-day period ends the day it begins
        (D(2025, 3, 1), 5, D(2025, 3, 7)),  # begins on Saturday: starts Monday
        # 09-29, 09-30 work; 10-01..10-08 off; 10-09, 10-10, then make-up Saturday 10-11
        (D(2025, 9, 29), 5, D(2025, 10, 11)),
        (D(2025, 9, 29), 6, D(2025, 10, 13)),
        # begins inside the holiday: 10-09, 10-10, 10-11, 10-13, 10-14
        (D(2025, 10, 1), 5, D(2025, 10, 14)),
        (D(2025, 9, 27), 1, D(2025, 9, 28)),  # Saturday start: first working day is make-up Sunday
        (D(2025, 1, 25), 2, D(2025, 1, 27)),
        # 01-27 (1), off to 02-04, 02-05 (2), 02-06 (3), 02-07 (4), 02-08 Saturday (5)
        (D(2025, 1, 27), 5, D(2025, 2, 8)),
    ],
)
def test_period_end(start: date, n: int, expected: date) -> None:
    assert CAL.period_end(start, n) == expected


def test_period_end_needs_a_day() -> None:
    with pytest.raises(ValueError, match="at least one"):
        CAL.period_end(D(2025, 3, 3), 0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(2025, 3, 3), D(2025, 3, 3), 0),
        (D(2025, 3, 7), D(2025, 3, 3), 0),  # b before a
        (D(2025, 3, 2), D(2025, 3, 7), 5),  # Sunday excluded, Mon..Fri
        (D(2025, 3, 3), D(2025, 3, 7), 4),  # a excluded
        (D(2025, 1, 24), D(2025, 2, 7), 5),
        (D(2025, 1, 24), D(2025, 2, 9), 6),  # + make-up Saturday 02-08
        (D(2025, 1, 27), D(2025, 2, 4), 0),  # all off
        (D(2025, 9, 26), D(2025, 10, 12), 6),  # 09-28, 09-29, 09-30, 10-09, 10-10, 10-11
        (D(2025, 9, 30), D(2025, 10, 8), 0),
        (D(2024, 12, 31), D(2025, 12, 31), 261 - 6 - 6 + 4),  # only these festivals known here
    ],
)
def test_working_days_between(a: date, b: date, expected: int) -> None:
    assert CAL.working_days_between(a, b) == expected


def test_calendar_rejects_a_day_both_off_and_on() -> None:
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(frozenset({D(2025, 1, 26)}), frozenset({D(2025, 1, 26)}))


def test_from_days() -> None:
    cal = WorkCalendar.from_days([(D(2025, 1, 28), "holiday"), (D(2025, 1, 26), "workday")])
    assert cal == WorkCalendar(frozenset({D(2025, 1, 28)}), frozenset({D(2025, 1, 26)}))
    with pytest.raises(ValueError, match="kind"):
        WorkCalendar.from_days([(D(2025, 1, 28), "weekend")])


def test_seed_sql_has_the_2025_days() -> None:
    """The migration's rows prove the seed data: the 2025 notice's days with their kinds,
    and each full year's working-day total counted by hand from the notices."""
    text = SQL_FILE.read_text(encoding="utf-8")
    rows = re.findall(r"\('(\d{4})-(\d{2})-(\d{2})',\s*'(holiday|workday)',\s*'[^']+',", text)
    days = [(D(int(y), int(m), int(d)), kind) for y, m, d, kind in rows]
    assert len(days) == len({d for d, _ in days}), "a day appears twice"
    kinds = dict(days)
    for d in SPRING_OFF | NATIONAL_OFF:
        assert kinds.get(d) == "holiday", d
    for d in MAKEUP:
        assert kinds.get(d) == "workday", d
    for d, kind in days:
        if kind == "workday":
            assert d.weekday() >= 5, f"make-up day {d} is not a weekend day"
    # Nothing between the two festivals' make-up days is marked by mistake.
    assert D(2025, 1, 27) not in kinds
    assert D(2025, 2, 5) not in kinds
    assert D(2025, 9, 29) not in kinds
    assert D(2025, 10, 9) not in kinds
    cal = WorkCalendar.from_days(days)
    # Weekdays less holidays on weekdays plus make-up days: 2024: 262 - 19 + 8,
    # 2025: 261 - 18 + 5, 2026: 261 - 19 + 6.
    assert cal.working_days_between(D(2023, 12, 31), D(2024, 12, 31)) == 251
    assert cal.working_days_between(D(2024, 12, 31), D(2025, 12, 31)) == 248
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 248
    assert cal.add_working_days(D(2025, 1, 24), 5) == D(2025, 2, 7)
    assert cal.period_end(D(2025, 9, 29), 5) == D(2025, 10, 11)


# --------------------------------------------------------------------------- properties

days_2024_2027 = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    special = draw(st.sets(days_2024_2027, max_size=60))
    workdays = draw(
        st.sets(st.sampled_from(sorted(special)), max_size=len(special))
        if special
        else st.just(set())
    )
    return WorkCalendar(frozenset(special - workdays), frozenset(workdays))


def _brute_count(cal: WorkCalendar, a: date, b: date) -> int:
    count, d = 0, a
    while d < b:
        d += timedelta(days=1)
        count += cal.is_working_day(d)
    return count


@given(calendars(), days_2024_2027, days_2024_2027)
def test_working_days_between_matches_day_by_day(cal: WorkCalendar, a: date, b: date) -> None:
    assert cal.working_days_between(a, b) == _brute_count(cal, a, b)


@given(
    st.one_of(st.just(CAL), calendars()), days_2024_2027, st.integers(min_value=0, max_value=400)
)
def test_add_then_count(cal: WorkCalendar, start: date, n: int) -> None:
    end = cal.add_working_days(start, n)
    assert cal.working_days_between(start, end) == n
    if n:
        assert cal.is_working_day(end)


@given(st.one_of(st.just(CAL), calendars()), days_2024_2027, st.integers(min_value=1, max_value=60))
def test_period_end_spans_n_working_days(cal: WorkCalendar, start: date, n: int) -> None:
    end = cal.period_end(start, n)
    assert cal.is_working_day(end)
    assert cal.working_days_between(start - timedelta(days=1), end) == n
