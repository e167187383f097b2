"""The queue's "overdue only" cutoffs agree with the ages it shows, over weekends and holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.accounts import Role
from domain.calendar import WorkCalendar
from domain.chain import check_city_step, check_scope, district_reviews
from domain.errors import RuleViolation
from domain.lifecycle import Action, Status
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
    assert stage_of("submitted", "district_then_city", "420111") == "district_review"
    assert stage_of("submitted", None, "420111") == "city_review"
    assert stage_of("submitted", "city", "420111") == "city_review"
    assert stage_of("reviewed", "district_then_city", "420111") == "approval"
    assert stage_of("disbursed", "city", "420111") is None
    assert age_of("confirmed", dt.date(2026, 4, 1), 5, CALENDAR, dt.date(2026, 4, 30)).sla is None
    reviewer = frozenset({Role.REVIEWER})
    assert responsible("district_review", reviewer, frozenset({"420111"}), "420111")
    assert not responsible("district_review", reviewer, frozenset(), "420111")
    assert not responsible("city_review", reviewer, frozenset({"420111"}), "420111")
    assert not responsible("approval", reviewer, frozenset(), "420111")


def test_an_application_of_no_wuhan_district_is_reviewed_by_the_city_alone() -> None:
    """Registered at city level (420100) or outside Wuhan: no district's staff could take the
    first review of a district-first program, so the city takes it, and the decision."""
    for district in ("420100", "110101", "420111"):
        ours = district == "420111"
        assert district_reviews("district_then_city", district) is ours
        stage = stage_of("submitted", "district_then_city", district)
        assert stage == ("district_review" if ours else "city_review"), district
        # The step agrees with the stage: the city's reviewer passes, a district's is refused.
        if ours:
            with pytest.raises(RuleViolation) as refused:
                check_scope(
                    "district_then_city", Status.SUBMITTED, Action.PASS, district, city_staff=True
                )
            assert refused.value.code == "district_review_first"
        else:
            check_scope(
                "district_then_city", Status.SUBMITTED, Action.PASS, district, city_staff=True
            )
        with pytest.raises(RuleViolation) as refused:
            check_scope(
                "district_then_city", Status.REVIEWED, Action.APPROVE, district, city_staff=False
            )
        assert refused.value.code == "city_decides"
    assert not district_reviews("city", "420111") and not district_reviews(None, "420111")


def test_every_step_after_the_first_review_is_the_citys() -> None:
    check_city_step(city_staff=True)
    with pytest.raises(RuleViolation) as refused:
        check_city_step(city_staff=False)
    assert (refused.value.code, refused.value.status) == ("city_decides", 403)
    assert "区级人员仅负责" in (refused.value.message_zh or "")
