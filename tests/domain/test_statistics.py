"""What the statistics count: medians of grouped figures, and the backlog's ages in working days
against the limit (holidays and make-up days counted as the calendar says)."""

from __future__ import annotations

import datetime as dt

from domain.calendar import WorkCalendar
from domain.lifecycle import Status
from domain.statistics import GROUP_OF, GROUPS, STAGES, Waiting, backlog, grouped_median

D = dt.date


def test_a_grouped_median_is_the_middle_value_or_the_mean_of_the_two() -> None:
    assert grouped_median([]) is None
    assert grouped_median([(3, 0)]) is None
    assert grouped_median([(7, 1)]) == 7
    assert grouped_median([(2, 1), (7, 1)]) == 4.5
    assert grouped_median([(9, 1), (1, 2)]) == 1  # 1, 1, 9
    assert grouped_median([(1, 2), (5, 2), (9, 1)]) == 5  # 1, 1, 5, 5, 9
    assert grouped_median([(1, 2), (5, 1), (9, 1)]) == 3  # 1, 1, 5, 9


def test_every_status_but_draft_has_a_public_group() -> None:
    assert set(GROUP_OF) == {s.value for s in Status} - {"draft"}
    assert set(GROUP_OF.values()) == set(GROUPS)


def test_the_backlog_counts_working_days_and_only_review_stages_have_a_limit() -> None:
    # Labour Day 2026: 05-01 to 05-05 off, Saturday 05-09 worked.
    holidays = {D(2026, 5, d) for d in range(1, 6)}
    calendar = WorkCalendar(frozenset(holidays), frozenset({D(2026, 5, 9)}))
    today = D(2026, 5, 11)  # a Monday
    waiting = [
        # Since Thursday 04-30: 05-06, 07, 08, 09 (make-up), 11 = 5 working days: at the limit.
        Waiting("submitted", D(2026, 4, 30), 5, 2),
        # Since Wednesday 04-29: one more (04-30) = 6: over the limit of 5.
        Waiting("submitted", D(2026, 4, 29), 5, 1),
        # The same wait under a program whose limit is 10.
        Waiting("reviewed", D(2026, 4, 29), 10, 3),
        Waiting("approved", D(2026, 4, 1), 5, 4),  # no limit applies to publicity's queue
        Waiting("returned", D(2026, 4, 1), 5, 9),  # with the applicant: not staff's backlog
    ]
    got = {b.stage: b for b in backlog(waiting, calendar, today)}
    assert list(got) == [str(s) for s in STAGES]
    s, r, a = got["submitted"], got["reviewed"], got["approved"]
    assert (s.count, s.median_age, s.oldest_age, s.over_limit) == (3, 5, 6, 1)
    assert (r.count, r.median_age, r.oldest_age, r.over_limit) == (3, 6, 6, 0)
    assert (a.count, a.over_limit) == (4, None)
    assert (got["confirmed"].count, got["confirmed"].median_age) == (0, None)
