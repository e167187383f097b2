"""The program vocabulary: its award calculator property-tested (never above a cap, never a float,
a breakdown that adds up, the same answer every time), its checks and its form reading."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.definition import eligibility, fields, words
from domain.definition.award import article_number, compute, rule_text
from domain.definition.check import DefinitionProblems, check, validated
from domain.definition.model import (
    AtMost,
    Cap,
    Definition,
    Field,
    Fixed,
    Input,
    Predicate,
    Rate,
    Remaining,
    Share,
    Split,
    Within,
    WithinYears,
)
from domain.errors import RuleViolation
from domain.money import Money, parse_money

BASE = Field(name="costs", kind="money", label_zh="费用", label_en="Costs")
fen = st.integers(min_value=0, max_value=10**12)


def yuan(n: int) -> str:
    return str(Money(n))


middle = st.one_of(
    st.builds(Rate, bp=st.integers(min_value=0, max_value=10_000)),
    st.builds(Cap, amount=fen.map(yuan)),
    st.builds(Within, max=fen.map(yuan)),
    st.builds(Remaining, total=fen.map(yuan)),
    st.builds(Fixed, amount=fen.map(yuan)),
)
splits = st.integers(min_value=1, max_value=9_999).map(
    lambda bp: Split(shares=(Share(funder="city", bp=bp), Share(funder="district", bp=10_000 - bp)))
)


@st.composite
def definitions(draw: st.DrawFn) -> Definition:
    steps = [Input(field="costs"), *draw(st.lists(middle, max_size=5))]
    if draw(st.booleans()):
        steps.append(draw(splits))
    return Definition(fields=(BASE,), award=tuple(steps), estimate_inputs=("costs",))


def ceilings(d: Definition, paid: Money) -> list[Money]:
    """What the award may not exceed: every cap, maximum and remaining total after the last
    step that sets the amount outright."""
    out: list[Money] = []
    for step in d.award:
        if isinstance(step, Fixed):
            out = []  # the amount is set anew; a rate (at most 100 %) only lowers it
        if isinstance(step, Cap):
            out.append(parse_money(step.amount))
        elif isinstance(step, Within) and step.max:
            out.append(parse_money(step.max))
        elif isinstance(step, Remaining):
            out.append(parse_money(step.total) - paid)
    return out


@settings(max_examples=300, deadline=None)
@given(d=definitions(), costs=fen, paid=fen)
def test_the_award_never_passes_a_cap_is_whole_fen_and_its_last_line_is_it(
    d: Definition, costs: int, paid: int
) -> None:
    assert check(d) == []
    try:
        award = compute(d, {"costs": Money(costs)}, Money(paid))
    except RuleViolation as v:
        refused = v.code
    else:
        refused = None
    if refused is not None:
        assert refused in ("cap_reached", "below_minimum")
        return
    assert type(award.amount.fen) is int and award.amount.fen >= 0
    assert all(type(b.amount.fen) is int for b in award.breakdown)
    split = next((s for s in d.award if isinstance(s, Split)), None)
    if split is not None:  # the funders' shares add up to the award
        shares = award.breakdown[-len(split.shares) :]
        assert sum((b.amount for b in shares), Money.ZERO) == award.amount
    else:  # the last line leaves the award
        assert award.breakdown[-1].amount == award.amount
    for ceiling in ceilings(d, Money(paid)):
        assert award.amount <= ceiling
    assert compute(d, {"costs": Money(costs)}, Money(paid)) == award  # the same every time


def test_a_rate_then_a_cap_explains_itself() -> None:
    d = Definition(
        fields=(BASE,), award=(Input(field="costs"), Rate(bp=3000), Cap(amount="5000000.00"))
    )
    award = compute(d, {"costs": Money.yuan(20_000_000)})
    assert award.amount == Money.yuan(5_000_000) and award.capped
    assert [(b.label_zh, str(b.amount)) for b in award.breakdown] == [
        ("30% × 20,000,000.00 = 6,000,000.00", "6000000.00"),
        ("封顶 5,000,000.00", "5000000.00"),
    ]
    assert award.rule_zh == "min(30% × 费用, 5,000,000.00)"
    assert award.rule_en == "min(30% × Costs, 5,000,000.00)"


def test_nothing_left_under_a_total_is_cap_reached() -> None:
    d = Definition(fields=(BASE,), award=(Input(field="costs"), Remaining(total="100.00")))
    assert compute(d, {"costs": Money(5000)}, Money(7000)).amount == Money(3000)
    with pytest.raises(RuleViolation) as e:
        compute(d, {"costs": Money(5000)}, Money(10000))
    assert (e.value.code, e.value.status) == ("cap_reached", 409)


@pytest.mark.parametrize(
    ("document", "place"),
    [
        ({"fields": [], "award": [{"op": "teleport"}]}, "award[0].op"),
        ({"fields": [{"name": "x", "kind": "money", "label_zh": "x"}], "award": []}, "fields[0]"),
        ({"fields": [], "award": [{"op": "fixed", "amount": "-5.00"}]}, "award[0].amount"),
        (
            {
                "fields": [],
                "award": [{"op": "fixed", "amount": "1.00"}, {"op": "rate", "bp": 10001}],
            },
            "award[1].bp",
        ),
        ({"fields": [], "award": [{"op": "input", "field": "nowhere"}]}, "award[0].field"),
        ({"fields": [], "award": [{"op": "rate", "bp": 10}]}, "award[0]"),
    ],
)
def test_an_unsound_document_is_refused_naming_its_place(document: dict, place: str) -> None:
    with pytest.raises(DefinitionProblems) as e:
        validated(document)
    assert place in [p.field for p in e.value.problems]


def test_fields_are_read_strictly_and_typed() -> None:
    d = Definition(
        fields=(
            BASE,
            Field(name="n", kind="integer", label_zh="次数", label_en="Times", min=1, max=3),
            Field(name="ok", kind="boolean", label_zh="是否", label_en="Whether"),
            Field(name="day", kind="date", label_zh="日期", label_en="Day", required=True),
        ),
        award=(Fixed(amount="1.00"),),
    )
    values, problems = fields.read(d, {"costs": "12.50", "n": 2, "ok": True})
    assert values == {"costs": Money(1250), "n": 2, "ok": True} and problems == []
    values, problems = fields.read(
        d, {"costs": 12.5, "n": True, "ok": 1, "day": "2026-13-01", "x": 1}
    )
    assert [p.field for p in problems] == [
        "fields.costs",
        "fields.n",
        "fields.ok",
        "fields.day",
        "fields.x",
    ]
    assert [p.field for p in fields.missing(d, values)] == ["fields.day"]
    assert msgspec.json.encode(fields.to_store(d, {"costs": Money(1250)})) == b'{"costs":1250}'


@pytest.mark.parametrize(
    ("zh", "number"),
    [
        ("三", 3),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十三", 23),
        ("十十", None),
        ("x", None),
    ],
)
def test_an_article_is_cited_in_english_numerals(zh: str, number: int | None) -> None:
    assert article_number(zh) == number
    d = Definition(fields=(BASE,), award=(Input(field="costs"), Rate(bp=5000)))
    zh_rule, en_rule = rule_text(d, zh)
    assert zh_rule.endswith(f"(第{zh}条)")
    assert en_rule.endswith(f" (art. {number if number is not None else zh})")


PARK = Field(name="park_name", kind="text", label_zh="园区名称", label_en="Park")


def park_rules(*rules: Predicate) -> Definition:
    return Definition(fields=(PARK,), award=(Fixed(amount="1.00"),), eligibility=rules)


def said(d: Definition, year: int, others: tuple[int, ...]) -> list[RuleViolation]:
    """What the rules say of an application submitted in `year`, for a park whose other live
    applications (the engine reads only the live ones) were submitted in `others`."""
    facts = eligibility.Facts(
        registered_in_wuhan=True,
        today=dt.date(year, 3, 2),
        live={"park_name/everyone": others},
    )
    return eligibility.violations(d, facts)


def test_once_a_year_refuses_the_same_year_and_passes_the_next() -> None:
    d = park_rules(AtMost(per="park_name", years=1, code="year_limit_reached"))
    [v] = said(d, 2026, (2026,))
    assert (v.code, v.status, v.field) == ("year_limit_reached", 409, "fields.park_name")
    assert v.message == "At most 1 application(s) for one Park a calendar year; 2026 has 1."
    assert v.message_zh == "同一园区名称每个自然年度最多申报 1 次,2026 年度已申报 1 次。"
    assert said(d, 2027, (2026,)) == []
    assert said(d, 2026, ()) == []  # a withdrawn or rejected one is not among the live


def test_at_most_over_years_counts_only_that_many_calendar_years() -> None:
    d = park_rules(AtMost(times=2, per="park_name", years=2))
    assert said(d, 2027, (2024, 2025, 2026)) == []  # 2024 and 2025 are behind the two years
    [v] = said(d, 2027, (2025, 2026, 2026))
    assert v.code == "limit_reached" and "2026–2027 has 2" in v.message
    assert said(park_rules(AtMost(times=3, per="park_name")), 2030, (2020, 2021, 2022)) != []


def test_within_consecutive_years_refuses_a_fourth_year_naming_the_first() -> None:
    d = park_rules(WithinYears(years=3, per="park_name"))
    assert said(d, 2026, ()) == []
    assert said(d, 2028, (2026, 2027)) == []
    [v] = said(d, 2029, (2027, 2026))
    assert (v.code, v.status, v.field) == ("years_passed", 409, "fields.park_name")
    assert "the first, in 2026: the last year was 2028" in v.message
    assert "首次申报年度(2026 年)" in v.message_zh and "2028 年" in v.message_zh
    # Read again at a late decision, an application of the first year is still within.
    assert said(d, 2026, (2027, 2028)) == []
    # Only the live ones count: once the 2026 one is withdrawn, 2027 is the first.
    assert said(d, 2029, (2027,)) == []


@pytest.mark.parametrize(
    ("rule", "place"),
    [
        ({"rule": "at_most", "per": "park_name", "years": 0}, "eligibility[0].years"),
        ({"rule": "within_years", "years": -1, "per": "park_name"}, "eligibility[0].years"),
        ({"rule": "within_years", "years": 3, "per": "garden"}, "eligibility[0].per"),
        ({"rule": "within_years", "per": "park_name"}, "eligibility[0]"),
    ],
)
def test_nonsense_year_rules_are_refused_naming_their_place(rule: dict, place: str) -> None:
    document = {
        "fields": [{"name": "park_name", "kind": "text", "label_zh": "园区", "label_en": "Park"}],
        "award": [{"op": "fixed", "amount": "1.00"}],
        "eligibility": [rule],
    }
    with pytest.raises(DefinitionProblems) as e:
        validated(document)
    assert place in [p.field for p in e.value.problems]


def test_the_year_rules_are_said_in_words() -> None:
    d = park_rules(AtMost(per="park_name", years=1), WithinYears(years=3, per="park_name"))
    assert [words.eligibility(r, d, True) for r in d.eligibility] == [
        "每个园区名称每年至多 1 次",
        "每个园区名称自首次申报起连续 3 个自然年度内",
    ]
    assert words.eligibility(d.eligibility[1], d, False) == (
        "Per Park: within 3 consecutive calendar years of the first"
    )
