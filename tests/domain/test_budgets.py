"""Whose budget pays an award: each funder's share from the split step (the city's alone
without one), what approval reserves from which budget, and what a repayment refunds to each."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.budgets import budget_short, check_funder, refunds, reservations
from domain.definition.award import FunderShare, compute
from domain.definition.model import Definition, Field, Input, Rate, Share, Split
from domain.errors import RuleViolation
from domain.money import Money

COSTS = Field(name="costs", kind="money", label_zh="费用", label_en="Costs")
HONGSHAN = "420111"


def award_of(*steps: Rate | Split, costs: int = 300_000_001) -> tuple[FunderShare, ...]:
    d = Definition(fields=(COSTS,), award=(Input(field="costs"), *steps))
    return compute(d, {"costs": Money(costs)}).shares


def test_a_split_gives_each_funder_its_share_to_the_fen() -> None:
    split = Split(shares=(Share(funder="city", bp=5000), Share(funder="district", bp=5000)))
    assert award_of(split) == (
        FunderShare("city", Money(150_000_000)),
        FunderShare("district", Money(150_000_001)),  # the last takes what truncation left
    )


def test_an_award_without_a_split_is_wholly_the_citys() -> None:
    assert award_of(Rate(bp=3000), costs=1_000_000) == (FunderShare("city", Money(300_000)),)


def test_approval_reserves_the_district_share_from_the_applications_district() -> None:
    split = Split(shares=(Share(funder="city", bp=4000), Share(funder="district", bp=6000)))
    d = Definition(fields=(COSTS,), award=(Input(field="costs"), split))
    award = compute(d, {"costs": Money(1_000_000)})
    # Sorted by funder: the order the budget rows are locked in.
    assert reservations(award, HONGSHAN) == (
        (HONGSHAN, Money(600_000)),
        ("city", Money(400_000)),
    )
    # A firm registered at the city's level (420100) has no district to pay its share.
    assert reservations(award, "420100") == (("city", Money(1_000_000)),)


def test_a_province_share_reserves_nothing_and_says_so() -> None:
    split = Split(shares=(Share(funder="province", bp=3000), Share(funder="city", bp=7000)))
    d = Definition(fields=(COSTS,), award=(Input(field="costs"), split))
    award = compute(d, {"costs": Money(1_000_000)})
    assert reservations(award, HONGSHAN) == (("city", Money(700_000)),)
    province = award.breakdown[0]
    assert province.amount == Money(300_000) and "不占本平台预算" in province.label_zh
    assert "not from the portal's budgets" in province.label


def test_refunds_return_each_budgets_share_and_add_up_to_the_repayment() -> None:
    parts = [(HONGSHAN, Money(150_000_001)), ("city", Money(150_000_000))]
    award = Money(300_000_001)
    first = refunds(parts, award, Money.ZERO, Money(100_000_001))
    assert first == ((HONGSHAN, Money(50_000_000)), ("city", Money(50_000_001)))
    rest = refunds(parts, award, Money(100_000_001), award)
    assert [a + b for (_, a), (_, b) in zip(first, rest, strict=True)] == [
        Money(150_000_001),
        Money(150_000_000),
    ]


@given(
    st.integers(min_value=0, max_value=10**10),
    st.integers(min_value=1, max_value=10**10),
    st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=6),
)
def test_refunds_never_take_back_and_never_pass_a_share(
    first_part: int, second_part: int, cuts: list[int]
) -> None:
    parts = [("420106", Money(first_part)), ("city", Money(second_part))]
    award = Money(first_part + second_part)
    points = sorted({0, award.fen, *(min(c, award.fen) for c in cuts)})
    given_back = [Money.ZERO, Money.ZERO]
    for before, after in pairwise(points):
        back = refunds(parts, award, Money(before), Money(after))
        assert all(m >= Money.ZERO for _, m in back)
        assert sum((m for _, m in back), Money.ZERO) <= Money(after - before)
        given_back = [g + m for g, (_, m) in zip(given_back, back, strict=True)]
    assert given_back == [Money(first_part), Money(second_part)]  # repaid in full: exact


def test_a_short_budget_is_named_in_both_languages() -> None:
    e = budget_short("computing-center-match", 2026, HONGSHAN, Money(100), Money(150_000_000))
    assert (e.code, e.status) == ("budget_exhausted", 409)
    assert e.message_zh.startswith("洪山区 computing-center-match 2026 年度预算余额 ¥1.00")
    assert "Hongshan's 2026 budget of computing-center-match has ¥1.00 left" in e.message
    missing = budget_short("computing-center-match", 2026, "city", None, Money(1))
    assert "The city's 2026 budget of computing-center-match is not set" in missing.message


@pytest.mark.parametrize("value", ["city", "420102", "420117"])
def test_a_funder_is_the_city_or_a_wuhan_district(value: str) -> None:
    assert check_funder(value) == value


@pytest.mark.parametrize("value", ["province", "110101", "420100", ""])
def test_anything_else_is_refused_with_what_to_send(value: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_funder(value)
    assert refused.value.code == "invalid_input" and refused.value.field == "funder"
    assert "420102 to 420117" in refused.value.message
