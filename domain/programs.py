"""The five programs' parameters and their pure award calculators.

A program's numbers are data (a versioned params record), never code branches: every text a
calculator writes is derived from the params it was given, so a new version with other numbers
explains itself correctly. Money is integer fen and every award is truncated to the fen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import msgspec

from domain.errors import RuleViolation
from domain.money import MAX_FEN, Money

_BP_WHOLE: Final = 10_000

# --------------------------------------------------------------------------- stages

Stage = Literal["tutoring", "accepted", "listed"]
#: The domestic IPO stages in the order a listing passes them.
STAGES: Final[tuple[Stage, ...]] = ("tutoring", "accepted", "listed")
STAGE_ORDER: Final[dict[str, int]] = {stage: i for i, stage in enumerate(STAGES)}
STAGE_NAMES_ZH: Final[dict[str, str]] = {
    "tutoring": "辅导备案",
    "accepted": "申报受理",
    "listed": "成功上市",
}

# --------------------------------------------------------------------------- params


def _params_error(en: str, zh: str) -> RuleViolation:
    return RuleViolation("invalid_params", en, message_zh=zh)


def _check_fen(name: str, value: object) -> None:
    # type() not isinstance(): a bool is an int and must not pass as an amount.
    if type(value) is not int or not 0 <= value <= MAX_FEN:
        raise _params_error(
            f"{name} must be a whole number of fen between 0 and {MAX_FEN}.",
            f"{name} 须为 0 至 {MAX_FEN} 之间的整数(单位:分)。",
        )


def _check_bp(name: str, value: object) -> None:
    if type(value) is not int or not 0 <= value <= _BP_WHOLE:
        raise _params_error(
            f"{name} must be a whole number of basis points between 0 and 10000.",
            f"{name} 须为 0 至 10000 之间的整数(单位:基点)。",
        )


def _check_days(name: str, value: object) -> None:
    if type(value) is not int or value < 0:
        raise _params_error(
            f"{name} must be a non-negative whole number of days.",
            f"{name} 须为非负整数(单位:天)。",
        )


def _check_bool(name: str, value: object) -> None:
    if type(value) is not bool:
        raise _params_error(f"{name} must be true or false.", f"{name} 须为 true 或 false。")


class EventSupportParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Art. 11: share of approved eligible event costs, capped per event."""

    rate_bp: int = 5000
    cap_fen: int = 200_000_000
    filing_lead_days: int = 30
    claim_window_days: int = 90

    def __post_init__(self) -> None:
        _check_bp("rate_bp", self.rate_bp)
        _check_fen("cap_fen", self.cap_fen)
        _check_days("filing_lead_days", self.filing_lead_days)
        _check_days("claim_window_days", self.claim_window_days)


class ScenarioProjectParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Art. 7: share of approved total project investment, capped per project."""

    rate_bp: int = 3000
    cap_fen: int = 100_000_000

    def __post_init__(self) -> None:
        _check_bp("rate_bp", self.rate_bp)
        _check_fen("cap_fen", self.cap_fen)


def _default_stage_amounts() -> dict[str, int]:
    # The 2/2/4 million split of the 8 million cap is our default, not public policy text.
    return {"tutoring": 200_000_000, "accepted": 200_000_000, "listed": 400_000_000}


class IpoDomesticParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Art. 10: staged rewards for a first listing on SSE / SZSE / BSE, capped per firm."""

    stage_amounts_fen: dict[str, int] = msgspec.field(default_factory=_default_stage_amounts)
    total_cap_fen: int = 800_000_000
    exclusive_with_overseas: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.stage_amounts_fen, dict) or set(self.stage_amounts_fen) != set(
            STAGES
        ):
            raise _params_error(
                "stage_amounts_fen must have exactly the stages tutoring, accepted and listed.",
                "stage_amounts_fen 须且只须包含 tutoring、accepted、listed 三个阶段。",
            )
        for stage, amount in self.stage_amounts_fen.items():
            _check_fen(f"stage_amounts_fen.{stage}", amount)
        _check_fen("total_cap_fen", self.total_cap_fen)
        _check_bool("exclusive_with_overseas", self.exclusive_with_overseas)


class IpoOverseasParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Art. 10: one-time reward for an eligible overseas listing with funds invested in Wuhan."""

    amount_fen: int = 600_000_000
    min_invested_bp: int = 8000
    exclusive_with_domestic: bool = True
    apply_by_month_day: str = "06-30"

    def __post_init__(self) -> None:
        _check_fen("amount_fen", self.amount_fen)
        _check_bp("min_invested_bp", self.min_invested_bp)
        _check_bool("exclusive_with_domestic", self.exclusive_with_domestic)
        if _month_day(self.apply_by_month_day, 2001) is None:
            raise _params_error(
                'apply_by_month_day must be a day of the year as "MM-DD", such as "06-30" '
                "(not 02-29, which most years lack).",
                'apply_by_month_day 须为 "MM-DD" 格式的日期,例如 "06-30"(不可为 02-29)。',
            )


class UnveilingAwardParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Art. 7: fixed award to the lead unit of a winning national 揭榜挂帅 AI task."""

    amount_fen: int = 100_000_000

    def __post_init__(self) -> None:
        _check_fen("amount_fen", self.amount_fen)


ProgramParams = (
    EventSupportParams
    | ScenarioProjectParams
    | IpoDomesticParams
    | IpoOverseasParams
    | UnveilingAwardParams
)

PARAMS_BY_KIND: dict[str, type[msgspec.Struct]] = {
    "event-support": EventSupportParams,
    "scenario-project": ScenarioProjectParams,
    "ipo-domestic": IpoDomesticParams,
    "ipo-overseas": IpoOverseasParams,
    "unveiling-award": UnveilingAwardParams,
}


def default_params(code: str) -> msgspec.Struct:
    """The policy's default parameters for a program code."""
    try:
        kind = PARAMS_BY_KIND[code]
    except KeyError:
        raise RuleViolation(
            "unknown_program",
            f"There is no program with the code {code!r}.",
            field="code",
            status=404,
            message_zh=f"不存在代码为 {code!r} 的项目。",
        ) from None
    return kind()


def _month_day(text: str, year: int) -> dt.date | None:
    if len(text) != 5 or text[2] != "-" or not (text[:2] + text[3:]).isascii():
        return None
    if not (text[:2].isdigit() and text[3:].isdigit()):
        return None
    try:
        return dt.date(year, int(text[:2]), int(text[3:]))
    except ValueError:
        return None


def overseas_apply_by(params: IpoOverseasParams, year: int) -> dt.date:
    """Last day (inclusive) of `year` on which the overseas reward may be applied for."""
    day = _month_day(params.apply_by_month_day, year)
    if day is None:  # only 02-29 in a common year could get here; __post_init__ refuses it
        raise ValueError(f"invalid apply_by_month_day {params.apply_by_month_day!r}")
    return day


def latest_filing_date(params: EventSupportParams, starts_on: dt.date) -> dt.date:
    """Last day (inclusive) an event filing may be submitted: `filing_lead_days` calendar
    days before the event's start ("at least 30 days before")."""
    return starts_on - dt.timedelta(days=params.filing_lead_days)


def claim_window(params: EventSupportParams, ends_on: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (both inclusive) a claim may be submitted: from the day after the
    event's end (it must have ended) to `claim_window_days` calendar days after the end."""
    return ends_on + dt.timedelta(days=1), ends_on + dt.timedelta(days=params.claim_window_days)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class BreakdownLine:
    """One line of an award's explanation; `label` English, `label_zh` Chinese."""

    label: str
    amount: Money
    label_zh: str = ""


@dataclass(frozen=True, slots=True)
class Award:
    """A computed award with the breakdown and rule text shown to applicants and reviewers."""

    amount: Money
    capped: bool
    breakdown: tuple[BreakdownLine, ...]
    rule_zh: str
    rule_en: str


def format_bp(rate_bp: int) -> str:
    """5000 → `"50%"`, 3050 → `"30.5%"`, 3333 → `"33.33%"` (exact, from integers)."""
    whole, frac = divmod(rate_bp, 100)
    if frac == 0:
        return f"{whole}%"
    return f"{whole}.{f'{frac:02d}'.rstrip('0')}%"


def _invalid_input(field: str, en: str, zh: str) -> RuleViolation:
    return RuleViolation("invalid_input", en, field=field, message_zh=zh)


def _require_non_negative(amount: Money, field: str) -> None:
    if amount.fen < 0:
        raise _invalid_input(field, "The amount must not be negative.", "金额不能为负数。")


def _rate_capped_award(rate_bp: int, cap: Money, base: Money, rule_zh: str, rule_en: str) -> Award:
    # Breakdown style used by every calculator: the computation line, then, only when the
    # cap bit, a separate "cap" line whose amount is what is paid.
    product = base.percent_of(rate_bp)
    rate = format_bp(rate_bp)
    text = f"{rate} × {base.grouped()} = {product.grouped()}"
    lines = [BreakdownLine(text, product, text)]
    capped = product > cap
    if capped:
        lines.append(BreakdownLine(f"cap {cap.grouped()}", cap, f"封顶 {cap.grouped()}"))
    return Award(min(product, cap), capped, tuple(lines), rule_zh, rule_en)


# --------------------------------------------------------------------------- calculators


def event_support_award(params: EventSupportParams, eligible_costs: Money) -> Award:
    """Art. 11: min(rate × approved eligible costs, cap)."""
    _require_non_negative(eligible_costs, "eligible_costs")
    cap = Money(params.cap_fen)
    rate = format_bp(params.rate_bp)
    return _rate_capped_award(
        params.rate_bp,
        cap,
        eligible_costs,
        f"按活动费用的{rate}给予支持,最高{cap.display_wan()}(第十一条)",
        f"{rate} of eligible event costs, at most {cap.grouped()} (art. 11)",
    )


def scenario_project_award(params: ScenarioProjectParams, total_investment: Money) -> Award:
    """Art. 7: min(rate × approved total project investment, cap)."""
    _require_non_negative(total_investment, "total_investment")
    cap = Money(params.cap_fen)
    rate = format_bp(params.rate_bp)
    return _rate_capped_award(
        params.rate_bp,
        cap,
        total_investment,
        f"按项目总投入资金的{rate}给予支持,最高{cap.display_wan()}(第七条)",
        f"{rate} of total project investment, at most {cap.grouped()} (art. 7)",
    )


def _ipo_domestic_rule(params: IpoDomesticParams) -> tuple[str, str]:
    amounts = {s: Money(params.stage_amounts_fen[s]) for s in STAGES}
    cap = Money(params.total_cap_fen)
    zh_stages = "、".join(f"{STAGE_NAMES_ZH[s]}{amounts[s].display_wan()}" for s in STAGES)
    en_stages = ", ".join(f"{s} {amounts[s].grouped()}" for s in STAGES)
    return (
        f"在沪深北交易所首次公开发行股票并上市的人工智能企业分阶段给予奖励:{zh_stages},"
        f"每家企业累计最高{cap.display_wan()}(第十条)",
        f"Staged reward for a first listing on SSE, SZSE or BSE: {en_stages}; "
        f"at most {cap.grouped()} per firm in all (art. 10)",
    )


def ipo_domestic_award(
    params: IpoDomesticParams,
    stages: Sequence[str],
    already_paid: Money,
    paid_stages: frozenset[str] = frozenset(),
) -> Award:
    """Art. 10, domestic listing: the requested stages' amounts, within the per-firm total cap.

    `already_paid` is what this firm has received under the program so far (the public
    estimate gives only this); `paid_stages` are the stages it was paid for (claims know
    them), each of which is paid once. Stages may be requested in any order and together
    (a firm reaching a later stage first claims the earlier unpaid ones with it).
    """
    if isinstance(stages, str) or not stages:
        raise _invalid_input(
            "stages",
            "Choose at least one stage: tutoring, accepted or listed.",
            "请至少选择一个阶段:tutoring(辅导备案)、accepted(申报受理)或 listed(成功上市)。",
        )
    seen: set[str] = set()
    for stage in stages:
        if stage not in STAGE_ORDER:
            raise _invalid_input(
                "stages",
                f"Unknown stage {stage!r}: use tutoring, accepted or listed.",
                f"未知阶段 {stage!r}:可选 tutoring、accepted、listed。",
            )
        if stage in seen:
            raise _invalid_input(
                "stages",
                f"The stage {stage!r} is listed twice.",
                f"阶段 {stage!r} 重复填写。",
            )
        seen.add(stage)
    if not paid_stages <= set(STAGES):
        raise ValueError(f"unknown paid stages {sorted(paid_stages - set(STAGES))}")
    _require_non_negative(already_paid, "already_paid")
    for stage in STAGES:
        if stage in seen and stage in paid_stages:
            raise RuleViolation(
                "stage_already_paid",
                f"The stage {stage!r} has already been paid to this firm; each stage is paid once.",
                field="stages",
                status=409,
                message_zh=f"该企业的{STAGE_NAMES_ZH[stage]}阶段奖励已发放,每个阶段只发放一次。",
            )
    cap = Money(params.total_cap_fen)
    if already_paid >= cap:
        raise RuleViolation(
            "cap_reached",
            f"This firm has already received {already_paid.grouped()}, which reaches the "
            f"total cap of {cap.grouped()}.",
            field="already_paid",
            status=409,
            message_zh=f"该企业已获奖励{already_paid.grouped()}元,已达累计上限"
            f"{cap.display_wan()}。",
        )

    lines: list[BreakdownLine] = []
    total = Money.ZERO
    for stage in STAGES:  # stage order, whatever order they were requested in
        if stage in seen:
            amount = Money(params.stage_amounts_fen[stage])
            total += amount
            lines.append(
                BreakdownLine(
                    f"stage {stage} {amount.grouped()}",
                    amount,
                    f"{STAGE_NAMES_ZH[stage]}阶段 {amount.grouped()}",
                )
            )
    room = cap - already_paid
    capped = total > room
    if capped:
        if already_paid:
            en = f"cap {cap.grouped()} − already paid {already_paid.grouped()} = {room.grouped()}"
            zh = f"累计上限 {cap.grouped()} − 已发放 {already_paid.grouped()} = {room.grouped()}"
        else:
            en, zh = f"cap {cap.grouped()}", f"累计上限 {cap.grouped()}"
        lines.append(BreakdownLine(en, room, zh))
    rule_zh, rule_en = _ipo_domestic_rule(params)
    return Award(min(total, room), capped, tuple(lines), rule_zh, rule_en)


def _invested_percent(invested: Money, raised: Money) -> str:
    # Truncated to 0.01 %, so a share just under the threshold never displays as meeting it.
    hundredths = invested.fen * _BP_WHOLE // raised.fen
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def ipo_overseas_award(
    params: IpoOverseasParams,
    exchange_eligible: bool,
    raised_total: Money,
    invested_in_wuhan: Money,
) -> Award:
    """Art. 10, overseas listing: a one-time amount when the exchange is eligible and at
    least `min_invested_bp` of the raised funds are invested in Wuhan."""
    _require_non_negative(raised_total, "raised_total")
    _require_non_negative(invested_in_wuhan, "invested_in_wuhan")
    if not raised_total:
        raise _invalid_input(
            "raised_total",
            "The total raised must be more than zero.",
            "募集资金总额必须大于零。",
        )
    if invested_in_wuhan > raised_total:
        raise _invalid_input(
            "invested_in_wuhan",
            "The amount invested in Wuhan cannot exceed the total raised.",
            "投放武汉的资金不能超过募集资金总额。",
        )
    if not exchange_eligible:
        raise RuleViolation(
            "exchange_not_eligible",
            "The exchange is not in a country or region whose regulator has signed a "
            "memorandum with the CSRC.",
            field="exchange",
            message_zh="该交易所不属于与中国证监会签署备忘录的国家或地区的交易所。",
        )
    need = format_bp(params.min_invested_bp)
    share = _invested_percent(invested_in_wuhan, raised_total)
    # Cross-multiplied so the threshold is exact: no division, no rounding.
    if invested_in_wuhan.fen * _BP_WHOLE < raised_total.fen * params.min_invested_bp:
        raise RuleViolation(
            "funds_not_in_wuhan",
            f"Only {share} of the raised funds is invested in Wuhan; at least {need} is required.",
            field="invested_in_wuhan",
            message_zh=f"募集资金投放武汉的比例为{share},须不低于{need}。",
        )
    amount = Money(params.amount_fen)
    line = BreakdownLine(
        f"one-time award {amount.grouped()} ({share} of {raised_total.grouped()} raised "
        f"invested in Wuhan ≥ {need})",
        amount,
        f"一次性奖励 {amount.grouped()}(募集资金 {raised_total.grouped()} 中 {share} 投放武汉,"
        f"不低于{need})",
    )
    return Award(
        amount,
        False,
        (line,),
        f"在与中国证监会签署备忘录的国家或地区的交易所上市,且募集资金{need}以上投放武汉的企业,"
        f"一次性奖励{amount.display_wan()}(第十条)",
        f"One-time {amount.grouped()} for a listing on an exchange of a country or region whose "
        f"regulator signed a memorandum with the CSRC, with at least {need} of the raised funds "
        f"invested in Wuhan (art. 10)",
    )


def unveiling_award(params: UnveilingAwardParams) -> Award:
    """Art. 7: the fixed award for the lead unit of a winning national 揭榜挂帅 task."""
    amount = Money(params.amount_fen)
    line = BreakdownLine(f"fixed award {amount.grouped()}", amount, f"固定奖励 {amount.grouped()}")
    return Award(
        amount,
        False,
        (line,),
        f"获批国家人工智能领域揭榜挂帅任务揭榜优胜、项目成果在汉转化落地的,"
        f"给予牵头单位{amount.display_wan()}奖励(第七条)",
        f"{amount.grouped()} to the lead unit of a winning national AI unveiling task whose "
        f"results are transformed in Wuhan (art. 7)",
    )


def check_ipo_exclusive(
    params: IpoDomesticParams | IpoOverseasParams, has_other_award: bool
) -> None:
    """Refuse an IPO award when the firm already has the other IPO program's award and these
    params say the two are not combinable (不重复享受)."""
    if isinstance(params, IpoDomesticParams):
        exclusive, other_en, other_zh = params.exclusive_with_overseas, "overseas", "境外上市"
    else:
        exclusive, other_en, other_zh = params.exclusive_with_domestic, "domestic", "境内上市"
    if exclusive and has_other_award:
        raise RuleViolation(
            "program_exclusive",
            f"This firm already has the {other_en} listing reward, which cannot be combined "
            "with this one.",
            status=409,
            message_zh=f"该企业已享受{other_zh}奖励,不能同时享受本项奖励。",
        )
