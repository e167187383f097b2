"""The queue's "overdue only" cutoffs agree with the ages it shows, over weekends and holidays."""

from __future__ import annotations

import datetime as dt

from domain.accounts import Role
from domain.calendar import WorkCalendar
from domain.stages import age_of, overdue_cutoffs, responsible, stage_of

# 清明 2026: Saturday 4 April to Monday 6 April off.
CALENDAR = WorkCalendar.from_days(
    [(dt.date(2026, 4, d), "holiday") for d in (4, 5, 6)] + [(dt.date(2026, 4, 12), "workday")]
)


def test_a_date_is_on_or_before_its_cutoff_exactly_when_it_is_overdue() -> None:
    for today in (dt.date(2026, 4, 7), dt.date(2026, 4, 12), dt.date(2026, 4, 13)):
        cutoffs = overdue_cutoffs(CALENDAR, today, most=8)
        for sla in range(9):
            for back in range(40):
                since = today - dt.timedelta(days=back)
                overdue = age_of("submitted", since, sla, CALENDAR, today).overdue
                assert (since <= cutoffs[sla]) == overdue, (today, sla, since)


def test_stages_and_who_acts() -> None:
    assert stage_of("submitted", "district_then_city") == "district_review"
    assert stage_of("submitted", None) == stage_of("submitted", "city") == "city_review"
    assert stage_of("reviewed", "district_then_city") == "approval"
    assert stage_of("disbursed", "city") is None
    assert age_of("confirmed", dt.date(2026, 4, 1), 5, CALENDAR, dt.date(2026, 4, 30)).sla is None
    reviewer = frozenset({Role.REVIEWER})
    assert responsible("district_review", reviewer, frozenset({"420111"}), "420111")
    assert not responsible("district_review", reviewer, frozenset(), "420111")
    assert not responsible("city_review", reviewer, frozenset({"420111"}), "420111")
    assert not responsible("approval", reviewer, frozenset(), "420111")
