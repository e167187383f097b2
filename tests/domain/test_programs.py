"""Program parameters and calculators: caps, thresholds, truncation, texts."""

from __future__ import annotations

import itertools

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import RuleViolation
from domain.money import MAX_FEN, Money
from domain.programs import (
    PARAMS_BY_KIND,
    STAGES,
    Award,
    BreakdownLine,
    EventSupportParams,
    IpoDomesticParams,
    IpoOverseasParams,
    ScenarioProjectParams,
    UnveilingAwardParams,
    check_ipo_exclusive,
    claim_window,
    default_params,
    event_support_award,
    format_bp,
    ipo_domestic_award,
    ipo_overseas_award,
    latest_filing_date,
    overseas_apply_by,
    scenario_project_award,
    unveiling_award,
)

EVENT = EventSupportParams()
SCENARIO = ScenarioProjectParams()
DOMESTIC = IpoDomesticParams()
OVERSEAS = IpoOverseasParams()

fens = st.integers(min_value=0, max_value=MAX_FEN)


# --------------------------------------------------------------------------- params


def test_defaults_match_the_policy() -> None:
    assert (EVENT.rate_bp, EVENT.cap_fen) == (5000, 200_000_000)
    assert (EVENT.filing_lead_days, EVENT.claim_window_days) == (30, 90)
    assert (SCENARIO.rate_bp, SCENARIO.cap_fen) == (3000, 100_000_000)
    assert DOMESTIC.stage_amounts_fen == {
        "tutoring": 200_000_000,
        "accepted": 200_000_000,
        "listed": 400_000_000,
    }
    assert DOMESTIC.total_cap_fen == 800_000_000
    assert DOMESTIC.exclusive_with_overseas
    assert (OVERSEAS.amount_fen, OVERSEAS.min_invested_bp) == (600_000_000, 8000)
    assert OVERSEAS.exclusive_with_domestic
    assert OVERSEAS.apply_by_month_day == "06-30"
    assert UnveilingAwardParams().amount_fen == 100_000_000


def test_default_stage_amounts_are_not_shared() -> None:
    a, b = IpoDomesticParams(), IpoDomesticParams()
    assert a.stage_amounts_fen is not b.stage_amounts_fen


def test_params_by_kind_and_defaults() -> None:
    assert set(PARAMS_BY_KIND) == {
        "event-support",
        "scenario-project",
        "ipo-domestic",
        "ipo-overseas",
        "unveiling-award",
    }
    for code, kind in PARAMS_BY_KIND.items():
        params = default_params(code)
        assert type(params) is kind
        # Params are stored as JSON and read back: the round trip must be lossless.
        assert msgspec.json.decode(msgspec.json.encode(params), type=kind) == params
    with pytest.raises(RuleViolation) as info:
        default_params("nope")
    assert (info.value.code, info.value.status) == ("unknown_program", 404)


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (EventSupportParams, {"rate_bp": -1}),
        (EventSupportParams, {"rate_bp": 10001}),
        (EventSupportParams, {"cap_fen": -1}),
        (EventSupportParams, {"filing_lead_days": -1}),
        (EventSupportParams, {"claim_window_days": -5}),
        (ScenarioProjectParams, {"rate_bp": 20000}),
        (ScenarioProjectParams, {"cap_fen": MAX_FEN + 1}),
        (IpoDomesticParams, {"stage_amounts_fen": {"tutoring": 1, "accepted": 1}}),
        (
            IpoDomesticParams,
            {"stage_amounts_fen": {"tutoring": 1, "accepted": 1, "listed": 1, "extra": 1}},
        ),
        (IpoDomesticParams, {"stage_amounts_fen": {"tutoring": 1, "accepted": -1, "listed": 1}}),
        (IpoDomesticParams, {"total_cap_fen": -1}),
        (IpoOverseasParams, {"amount_fen": -1}),
        (IpoOverseasParams, {"min_invested_bp": 10001}),
        (IpoOverseasParams, {"apply_by_month_day": "6-30"}),
        (IpoOverseasParams, {"apply_by_month_day": "02-30"}),
        (IpoOverseasParams, {"apply_by_month_day": "02-29"}),
        (IpoOverseasParams, {"apply_by_month_day": "13-01"}),
        (UnveilingAwardParams, {"amount_fen": -100}),
    ],
)
def test_invalid_params_rejected_on_decode(
    kind: type[msgspec.Struct], raw: dict[str, object]
) -> None:
    with pytest.raises(RuleViolation) as info:
        msgspec.convert(raw, kind)
    assert info.value.code == "invalid_params"


def test_invalid_params_rejected_on_construction() -> None:
    with pytest.raises(RuleViolation):
        EventSupportParams(rate_bp=True)  # a bool is not a rate
    with pytest.raises(RuleViolation):
        IpoDomesticParams(exclusive_with_overseas=1)  # type: ignore[arg-type]


def test_unknown_param_fields_rejected() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"rate_bp": 5000, "rate": 50}, EventSupportParams)


def test_params_are_frozen() -> None:
    with pytest.raises(AttributeError):
        EVENT.rate_bp = 1  # type: ignore[misc]


def test_dates_from_params() -> None:
    import datetime as dt

    assert overseas_apply_by(OVERSEAS, 2026) == dt.date(2026, 6, 30)
    assert latest_filing_date(EVENT, dt.date(2025, 5, 31)) == dt.date(2025, 5, 1)
    assert claim_window(EVENT, dt.date(2025, 6, 2)) == (dt.date(2025, 6, 3), dt.date(2025, 8, 31))


@pytest.mark.parametrize(
    ("bp", "text"), [(5000, "50%"), (3000, "30%"), (3050, "30.5%"), (3333, "33.33%"), (5, "0.05%")]
)
def test_format_bp(bp: int, text: str) -> None:
    assert format_bp(bp) == text


# --------------------------------------------------------------------------- event support


# (costs fen, award fen, capped): at and around the cap (base 4,000,000.00) and the smallest sums.
EVENT_CASES = [
    (0, 0, False),
    (1, 0, False),  # 0.01 × 50% = 0.005 → 0.00
    (2, 1, False),
    (101, 50, False),  # 1.01 × 50% = 0.505 → 0.50
    (399_999_999, 199_999_999, False),  # 3,999,999.99 → 1,999,999.995 → 1,999,999.99
    (400_000_000, 200_000_000, False),  # exactly the cap: not "capped"
    (400_000_001, 200_000_000, False),  # 4,000,000.01 → 2,000,000.005 → 2,000,000.00: cut nothing
    (400_000_002, 200_000_000, True),  # 4,000,000.02 → 2,000,000.01 → capped to 2,000,000.00
    (1_000_000_000, 200_000_000, True),
    (MAX_FEN, 200_000_000, True),
]


@pytest.mark.parametrize(("costs", "award", "capped"), EVENT_CASES)
def test_event_support_table(costs: int, award: int, capped: bool) -> None:
    result = event_support_award(EVENT, Money(costs))
    assert result.amount == Money(award)
    # "capped" means the cap cut something off the truncated product.
    assert result.capped is capped


def test_event_support_breakdown_and_rule() -> None:
    result = event_support_award(EVENT, Money(500_000_000))
    assert result.capped
    assert [line.label for line in result.breakdown] == [
        "50% × 5,000,000.00 = 2,500,000.00",
        "cap 2,000,000.00",
    ]
    assert [line.amount for line in result.breakdown] == [Money(250_000_000), Money(200_000_000)]
    assert result.breakdown[-1].label_zh == "封顶 2,000,000.00"
    assert result.rule_zh == "按活动费用的50%给予支持,最高200万元(第十一条)"
    assert result.rule_en == "50% of eligible event costs, at most 2,000,000.00 (art. 11)"

    small = event_support_award(EVENT, Money(101))
    assert not small.capped
    assert [line.label for line in small.breakdown] == ["50% × 1.01 = 0.50"]


def test_rule_text_follows_params() -> None:
    params = EventSupportParams(rate_bp=4000, cap_fen=150_000_000)
    result = event_support_award(params, Money(1_000_000_000))
    assert result.rule_zh == "按活动费用的40%给予支持,最高150万元(第十一条)"
    assert result.rule_en == "40% of eligible event costs, at most 1,500,000.00 (art. 11)"
    assert result.breakdown[0].label == "40% × 10,000,000.00 = 4,000,000.00"
    assert result.breakdown[1].label == "cap 1,500,000.00"


def test_negative_base_is_invalid_input() -> None:
    with pytest.raises(RuleViolation) as info:
        event_support_award(EVENT, Money(-1))
    assert (info.value.code, info.value.field) == ("invalid_input", "eligible_costs")
    with pytest.raises(RuleViolation) as info2:
        scenario_project_award(SCENARIO, Money(-1))
    assert info2.value.field == "total_investment"


# --------------------------------------------------------------------------- scenario project

# Cap base: 1,000,000.00 / 30% = 3,333,333.33…: 3,333,333.33 gives 999,999.999 → 999,999.99.
SCENARIO_CASES = [
    (0, 0, False),
    (1, 0, False),  # 0.01 × 30% = 0.003 → 0.00
    (3, 0, False),  # 0.03 × 30% = 0.009 → 0.00
    (4, 1, False),  # 0.04 × 30% = 0.012 → 0.01
    (333_333_332, 99_999_999, False),
    (333_333_333, 99_999_999, False),  # 3,333,333.33 → 999,999.999 → 999,999.99
    (333_333_334, 100_000_000, False),  # 3,333,333.34 → 1,000,000.002 → 1,000,000.00
    (333_333_336, 100_000_000, False),  # → 1,000,000.008 → 1,000,000.00: still not cut
    (333_333_337, 100_000_000, True),  # → 1,000,000.011 → 1,000,000.01 → capped
    (1_000_000_000, 100_000_000, True),
]


@pytest.mark.parametrize(("investment", "award", "capped"), SCENARIO_CASES)
def test_scenario_project_table(investment: int, award: int, capped: bool) -> None:
    result = scenario_project_award(SCENARIO, Money(investment))
    assert result.amount == Money(award)
    assert result.capped is capped


def test_scenario_project_texts() -> None:
    result = scenario_project_award(SCENARIO, Money(400_000_000))
    assert [line.label for line in result.breakdown] == [
        "30% × 4,000,000.00 = 1,200,000.00",
        "cap 1,000,000.00",
    ]
    assert result.rule_zh == "按项目总投入资金的30%给予支持,最高100万元(第七条)"
    assert result.rule_en == "30% of total project investment, at most 1,000,000.00 (art. 7)"


rate_params = st.builds(
    EventSupportParams,
    rate_bp=st.integers(min_value=0, max_value=10_000),
    cap_fen=fens,
)


@given(rate_params, fens)
def test_rate_award_property(params: EventSupportParams, base_fen: int) -> None:
    base = Money(base_fen)
    result = event_support_award(params, base)
    exact = base_fen * params.rate_bp // 10_000
    assert result.amount == Money(min(exact, params.cap_fen))
    assert result.amount <= Money(params.cap_fen)
    assert result.amount <= base.percent_of(params.rate_bp)
    assert result.capped is (exact > params.cap_fen)
    assert result.breakdown[-1].amount == result.amount
    # breakdown lines mention the numbers
    assert base.grouped() in result.breakdown[0].label
    assert format_bp(params.rate_bp) in result.breakdown[0].label
    if result.capped:
        assert Money(params.cap_fen).grouped() in result.breakdown[-1].label


@given(fens, fens)
def test_rate_award_monotone(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert (
        event_support_award(EVENT, Money(lo)).amount <= event_support_award(EVENT, Money(hi)).amount
    )
    assert (
        scenario_project_award(SCENARIO, Money(lo)).amount
        <= scenario_project_award(SCENARIO, Money(hi)).amount
    )


@given(fens)
def test_scenario_exact_to_the_fen(base_fen: int) -> None:
    result = scenario_project_award(SCENARIO, Money(base_fen))
    assert result.amount.fen == min(base_fen * 3000 // 10_000, 100_000_000)


# --------------------------------------------------------------------------- IPO domestic

M = 100  # fen per yuan, for readable amounts below


@pytest.mark.parametrize(
    ("stages", "already_paid", "award", "capped"),
    [
        (["tutoring"], 0, 2_000_000 * M, False),
        (["accepted"], 0, 2_000_000 * M, False),
        (["listed"], 0, 4_000_000 * M, False),
        (["tutoring", "accepted", "listed"], 0, 8_000_000 * M, False),  # exactly the cap
        (["listed", "tutoring"], 0, 6_000_000 * M, False),
        (["listed"], 4_000_000 * M, 4_000_000 * M, False),  # reaches the cap exactly
        (["listed"], 4_000_000 * M + 1, 4_000_000 * M - 1, True),  # one fen over: cut by 0.01
        (["listed"], 4_000_000 * M - 1, 4_000_000 * M, False),
        (["tutoring", "accepted", "listed"], 1, 8_000_000 * M - 1, True),
        (["tutoring"], 8_000_000 * M - 1, 1, True),  # last fen of the cap
    ],
)
def test_ipo_domestic_table(stages: list[str], already_paid: int, award: int, capped: bool) -> None:
    result = ipo_domestic_award(DOMESTIC, stages, Money(already_paid))
    assert result.amount == Money(award)
    assert result.capped is capped


def test_ipo_domestic_breakdown_in_stage_order() -> None:
    result = ipo_domestic_award(DOMESTIC, ["listed", "tutoring"], Money(3_000_000 * M))
    assert [line.label for line in result.breakdown] == [
        "stage tutoring 2,000,000.00",
        "stage listed 4,000,000.00",
        "cap 8,000,000.00 − already paid 3,000,000.00 = 5,000,000.00",
    ]
    assert result.breakdown[0].label_zh == "辅导备案阶段 2,000,000.00"
    assert result.amount == Money(5_000_000 * M)
    assert result.capped
    assert "辅导备案200万元、申报受理200万元、成功上市400万元" in result.rule_zh
    assert "累计最高800万元(第十条)" in result.rule_zh
    assert result.rule_en == (
        "Staged reward for a first listing on SSE, SZSE or BSE: tutoring 2,000,000.00, "
        "accepted 2,000,000.00, listed 4,000,000.00; at most 8,000,000.00 per firm in all (art. 10)"
    )


def test_ipo_domestic_cap_line_without_prior_payment() -> None:
    params = IpoDomesticParams(total_cap_fen=500_000_000)
    result = ipo_domestic_award(params, ["accepted", "listed"], Money.ZERO)
    assert result.breakdown[-1].label == "cap 5,000,000.00"
    assert result.amount == Money(500_000_000)


@pytest.mark.parametrize(
    "stages",
    [[], ["ipo"], ["tutoring", "tutoring"], ["Listed"], "listed", ["listed", "listed", "accepted"]],
)
def test_ipo_domestic_invalid_stages(stages: list[str]) -> None:
    with pytest.raises(RuleViolation) as info:
        ipo_domestic_award(DOMESTIC, stages, Money.ZERO)
    assert (info.value.code, info.value.field, info.value.status) == (
        "invalid_input",
        "stages",
        422,
    )


def test_ipo_domestic_negative_already_paid() -> None:
    with pytest.raises(RuleViolation) as info:
        ipo_domestic_award(DOMESTIC, ["listed"], Money(-1))
    assert (info.value.code, info.value.field) == ("invalid_input", "already_paid")


def test_ipo_domestic_stage_already_paid() -> None:
    with pytest.raises(RuleViolation) as info:
        ipo_domestic_award(
            DOMESTIC, ["accepted", "listed"], Money(2_000_000 * M), frozenset({"accepted"})
        )
    assert (info.value.code, info.value.status) == ("stage_already_paid", 409)
    assert "accepted" in info.value.message
    # The other stages stay claimable.
    ok = ipo_domestic_award(DOMESTIC, ["listed"], Money(2_000_000 * M), frozenset({"accepted"}))
    assert ok.amount == Money(4_000_000 * M)


@pytest.mark.parametrize("paid", [8_000_000 * M, 8_000_000 * M + 1, 10**12])
def test_ipo_domestic_cap_reached(paid: int) -> None:
    with pytest.raises(RuleViolation) as info:
        ipo_domestic_award(DOMESTIC, ["listed"], Money(paid))
    assert (info.value.code, info.value.status) == ("cap_reached", 409)


def test_ipo_domestic_unknown_paid_stage_is_a_bug() -> None:
    with pytest.raises(ValueError, match="unknown paid stages"):
        ipo_domestic_award(DOMESTIC, ["listed"], Money.ZERO, frozenset({"ipo"}))


domestic_params = st.builds(
    IpoDomesticParams,
    stage_amounts_fen=st.fixed_dictionaries(
        {s: st.integers(min_value=0, max_value=10**10) for s in STAGES}
    ),
    total_cap_fen=st.integers(min_value=0, max_value=3 * 10**10),
)
stage_subsets = st.lists(st.sampled_from(STAGES), min_size=1, max_size=3, unique=True)


@given(domestic_params, stage_subsets, st.integers(min_value=0, max_value=3 * 10**10))
def test_ipo_domestic_never_exceeds_total_cap(
    params: IpoDomesticParams, stages: list[str], paid: int
) -> None:
    if paid >= params.total_cap_fen:
        with pytest.raises(RuleViolation) as info:
            ipo_domestic_award(params, stages, Money(paid))
        assert info.value.code == "cap_reached"
        return
    result = ipo_domestic_award(params, stages, Money(paid))
    requested = sum(params.stage_amounts_fen[s] for s in stages)
    assert paid + result.amount.fen <= params.total_cap_fen
    assert result.amount.fen == min(requested, params.total_cap_fen - paid)
    assert result.capped is (requested > params.total_cap_fen - paid)
    for stage in stages:
        assert any(stage in line.label for line in result.breakdown)


@given(
    domestic_params,
    st.permutations(STAGES).flatmap(
        lambda order: st.lists(st.integers(min_value=1, max_value=3), max_size=3).map(
            lambda sizes: _split(list(order), sizes)
        )
    ),
)
def test_ipo_domestic_sequence_of_claims(
    params: IpoDomesticParams, claims: list[list[str]]
) -> None:
    """Claims one after another, each passing what was paid before, never pay past the cap
    and never pay a stage twice."""
    paid = Money.ZERO
    paid_stages: frozenset[str] = frozenset()
    for claim in claims:
        if paid >= Money(params.total_cap_fen):
            with pytest.raises(RuleViolation) as info:
                ipo_domestic_award(params, claim, paid, paid_stages)
            assert info.value.code == "cap_reached"
            break
        award = ipo_domestic_award(params, claim, paid, paid_stages)
        paid += award.amount
        paid_stages |= set(claim)
        assert paid <= Money(params.total_cap_fen)
    # Asking again for anything already paid is refused.
    if paid_stages and paid < Money(params.total_cap_fen):
        with pytest.raises(RuleViolation) as info:
            ipo_domestic_award(params, sorted(paid_stages), paid, paid_stages)
        assert info.value.code == "stage_already_paid"


def _split(order: list[str], sizes: list[int]) -> list[list[str]]:
    claims: list[list[str]] = []
    for size in sizes:
        if not order:
            break
        claims.append(order[:size])
        order = order[size:]
    return claims


def test_ipo_domestic_all_orders_pay_the_same() -> None:
    for order in itertools.permutations(STAGES):
        assert ipo_domestic_award(DOMESTIC, list(order), Money.ZERO).amount == Money(800_000_000)


# --------------------------------------------------------------------------- IPO overseas


@pytest.mark.parametrize(
    ("raised", "invested", "ok"),
    [
        (10_000, 8_000, True),  # exactly 80 %
        (10_000, 7_999, False),  # one fen below
        (10_000, 10_000, True),
        (10_000, 0, False),
        (1_000_000_000, 800_000_000, True),
        (1_000_000_000, 799_999_999, False),
        (3, 3, True),
        (3, 2, False),  # 66.67 %
        (5, 4, True),  # exactly 80 %
        (MAX_FEN, MAX_FEN * 8 // 10, True),
        (MAX_FEN, MAX_FEN * 8 // 10 - 1, False),
    ],
)
def test_ipo_overseas_threshold(raised: int, invested: int, ok: bool) -> None:
    if ok:
        result = ipo_overseas_award(OVERSEAS, True, Money(raised), Money(invested))
        assert result.amount == Money(600_000_000)
        assert not result.capped
    else:
        with pytest.raises(RuleViolation) as info:
            ipo_overseas_award(OVERSEAS, True, Money(raised), Money(invested))
        assert (info.value.code, info.value.field) == ("funds_not_in_wuhan", "invested_in_wuhan")


@given(st.integers(min_value=1, max_value=MAX_FEN), st.data())
def test_ipo_overseas_threshold_property(raised: int, data: st.DataObject) -> None:
    invested = data.draw(st.integers(min_value=0, max_value=raised))
    meets = invested * 10 >= raised * 8
    if meets:
        assert ipo_overseas_award(OVERSEAS, True, Money(raised), Money(invested)).amount
    else:
        with pytest.raises(RuleViolation) as info:
            ipo_overseas_award(OVERSEAS, True, Money(raised), Money(invested))
        assert info.value.code == "funds_not_in_wuhan"


def test_ipo_overseas_refusals() -> None:
    with pytest.raises(RuleViolation) as info:
        ipo_overseas_award(OVERSEAS, False, Money(100), Money(100))
    assert (info.value.code, info.value.field) == ("exchange_not_eligible", "exchange")
    with pytest.raises(RuleViolation) as info:
        ipo_overseas_award(OVERSEAS, True, Money.ZERO, Money.ZERO)
    assert (info.value.code, info.value.field) == ("invalid_input", "raised_total")
    with pytest.raises(RuleViolation) as info:
        ipo_overseas_award(OVERSEAS, True, Money(100), Money(101))
    assert (info.value.code, info.value.field) == ("invalid_input", "invested_in_wuhan")


def test_ipo_overseas_texts() -> None:
    result = ipo_overseas_award(OVERSEAS, True, Money(100_000_000_00), Money(85_000_000_00))
    (line,) = result.breakdown
    assert line.label == (
        "one-time award 6,000,000.00 (85.00% of 100,000,000.00 raised invested in Wuhan ≥ 80%)"
    )
    assert "600万元" in result.rule_zh
    assert "80%以上" in result.rule_zh
    assert "(第十条)" in result.rule_zh
    assert "6,000,000.00" in result.rule_en
    assert "80%" in result.rule_en
    with pytest.raises(RuleViolation) as info:
        ipo_overseas_award(OVERSEAS, True, Money(1_000_000), Money(799_999))
    # 79.9999 % is shown truncated, never as a misleading "80.00%"
    assert "79.99%" in info.value.message
    assert "80%" in info.value.message_zh


# --------------------------------------------------------------------------- unveiling, exclusivity


def test_unveiling_award() -> None:
    result = unveiling_award(UnveilingAwardParams())
    assert result == Award(
        Money(100_000_000),
        False,
        (BreakdownLine("fixed award 1,000,000.00", Money(100_000_000), "固定奖励 1,000,000.00"),),
        result.rule_zh,
        result.rule_en,
    )
    assert "100万元" in result.rule_zh
    assert "(第七条)" in result.rule_zh
    assert "1,000,000.00" in result.rule_en
    assert unveiling_award(UnveilingAwardParams(amount_fen=123)).amount == Money(123)


def test_ipo_exclusive() -> None:
    check_ipo_exclusive(DOMESTIC, has_other_award=False)
    check_ipo_exclusive(OVERSEAS, has_other_award=False)
    for params in (DOMESTIC, OVERSEAS):
        with pytest.raises(RuleViolation) as info:
            check_ipo_exclusive(params, has_other_award=True)
        assert (info.value.code, info.value.status) == ("program_exclusive", 409)
    check_ipo_exclusive(IpoDomesticParams(exclusive_with_overseas=False), has_other_award=True)
    check_ipo_exclusive(IpoOverseasParams(exclusive_with_domestic=False), has_other_award=True)
