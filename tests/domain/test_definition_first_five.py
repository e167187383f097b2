"""The first wave's award tables, on the vocabulary the five programs now run on: the same
steps as their shipped definitions (migration 0025), the same figures to the fen."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.definition.award import compute
from domain.definition.model import Cap, Definition, Field, Input, Option, Rate, Remaining, Stages
from domain.errors import RuleViolation
from domain.money import Money

M = 100  # fen in a yuan
MAX_FEN = 10**14
COSTS = Field(name="costs", kind="money", label_zh="费用", label_en="Costs")
STAGES = ("tutoring", "accepted", "listed")
STAGE_FIELD = Field(
    name="stages",
    kind="choices",
    label_zh="申请阶段",
    label_en="Stages",
    options=tuple(Option(value=s, label_zh=s, label_en=s) for s in STAGES),
)


def rate_capped(bp: int, cap: str) -> Definition:
    return Definition(fields=(COSTS,), award=(Input(field="costs"), Rate(bp=bp), Cap(amount=cap)))


EVENT = rate_capped(5000, "2000000.00")
SCENARIO = rate_capped(3000, "1000000.00")


def domestic(amounts: dict[str, int] | None = None, total: int = 8_000_000 * M) -> Definition:
    given_ = amounts or {
        "tutoring": 2_000_000 * M,
        "accepted": 2_000_000 * M,
        "listed": 4_000_000 * M,
    }
    return Definition(
        fields=(STAGE_FIELD,),
        award=(
            Stages(field="stages", amounts={k: str(Money(v)) for k, v in given_.items()}),
            Remaining(total=str(Money(total))),
        ),
    )


def stages_award(d: Definition, stages: list[str], paid: int, taken: frozenset[str] = frozenset()):  # type: ignore[no-untyped-def]
    return compute(d, {}, Money(paid), {"stages": tuple(stages)}, taken)


@pytest.mark.parametrize(
    ("definition", "costs", "award", "capped"),
    [
        (EVENT, 0, 0, False),
        (EVENT, 1, 0, False),  # 0.01 × 50% = 0.005 → 0.00
        (EVENT, 101, 50, False),  # 1.01 × 50% = 0.505 → 0.50
        (EVENT, 399_999_999, 199_999_999, False),
        (EVENT, 400_000_000, 200_000_000, False),  # exactly the cap: not "capped"
        (EVENT, 400_000_001, 200_000_000, False),  # → 2,000,000.005 → 2,000,000.00: cut nothing
        (EVENT, 400_000_002, 200_000_000, True),
        (EVENT, MAX_FEN, 200_000_000, True),
        (SCENARIO, 3, 0, False),  # 0.03 × 30% = 0.009 → 0.00
        (SCENARIO, 4, 1, False),
        (SCENARIO, 333_333_333, 99_999_999, False),
        (SCENARIO, 333_333_336, 100_000_000, False),  # → 1,000,000.008: still not cut
        (SCENARIO, 333_333_337, 100_000_000, True),
    ],
)
def test_rate_and_cap_tables(definition: Definition, costs: int, award: int, capped: bool) -> None:
    result = compute(definition, {"costs": Money(costs)})
    assert (result.amount, result.capped) == (Money(award), capped)


@pytest.mark.parametrize(
    ("stages", "already_paid", "award", "capped"),
    [
        (["tutoring"], 0, 2_000_000 * M, False),
        (["listed"], 0, 4_000_000 * M, False),
        (["tutoring", "accepted", "listed"], 0, 8_000_000 * M, False),  # exactly the cap
        (["listed", "tutoring"], 0, 6_000_000 * M, False),
        (["listed"], 4_000_000 * M, 4_000_000 * M, False),  # reaches the cap exactly
        (["listed"], 4_000_000 * M + 1, 4_000_000 * M - 1, True),  # one fen over: cut by 0.01
        (["tutoring", "accepted", "listed"], 1, 8_000_000 * M - 1, True),
        (["tutoring"], 8_000_000 * M - 1, 1, True),  # the last fen of the total
    ],
)
def test_listing_stages_table(
    stages: list[str], already_paid: int, award: int, capped: bool
) -> None:
    result = stages_award(domestic(), stages, already_paid)
    assert (result.amount, result.capped) == (Money(award), capped)


@pytest.mark.parametrize("paid", [8_000_000 * M, 8_000_000 * M + 1])
def test_nothing_left_of_the_total_is_cap_reached(paid: int) -> None:
    with pytest.raises(RuleViolation) as info:
        stages_award(domestic(), ["tutoring"], paid)
    assert info.value.code == "cap_reached"


def test_a_stage_paid_before_is_refused_and_all_orders_pay_the_same() -> None:
    with pytest.raises(RuleViolation) as info:
        stages_award(domestic(), ["accepted"], 0, frozenset({"accepted"}))
    assert info.value.code == "stage_already_paid"
    # The amounts' own order does not matter either (stored as jsonb, shortest key first).
    stored = {s: {"tutoring": 2, "accepted": 2, "listed": 4}[s] * 1_000_000 * M for s in STAGES}
    for order, d in itertools.product(
        itertools.permutations(STAGES), (domestic(), domestic(dict(sorted(stored.items()))))
    ):
        assert stages_award(d, list(order), 0).amount == Money(8_000_000 * M)
        lines = stages_award(d, list(order), 0).breakdown
        assert [b.label for b in lines] == [
            f"{s} {Money(a).grouped()}"
            for s, a in (
                ("tutoring", 2_000_000 * M),
                ("accepted", 2_000_000 * M),
                ("listed", 4_000_000 * M),
            )
        ]  # in the stages' order, whatever order they were asked in


amounts = st.fixed_dictionaries({s: st.integers(min_value=0, max_value=10**10) for s in STAGES})


@given(
    amounts,
    st.integers(min_value=1, max_value=3 * 10**10),
    st.permutations(STAGES).flatmap(
        lambda order: st.lists(st.integers(min_value=1, max_value=3), max_size=3).map(
            lambda sizes: [order[sum(sizes[:i]) : sum(sizes[: i + 1])] for i in range(len(sizes))]
        )
    ),
)
def test_claims_one_after_another_never_pass_the_total(
    stage_amounts: dict[str, int], total: int, claims: list[list[str]]
) -> None:
    d = domestic(stage_amounts, total)
    paid, taken = Money.ZERO, frozenset[str]()
    for claim in (c for c in claims if c):
        if paid >= Money(total):
            with pytest.raises(RuleViolation) as info:
                stages_award(d, list(claim), paid.fen, taken)
            assert info.value.code == "cap_reached"
            return
        award = stages_award(d, list(claim), paid.fen, taken)
        asked = sum(stage_amounts[s] for s in claim)
        assert award.amount.fen == min(asked, total - paid.fen)
        paid, taken = paid + award.amount, taken | set(claim)
        assert paid <= Money(total)
