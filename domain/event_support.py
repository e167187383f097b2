"""Article 11: national and international AI events, filed before they happen, claimed after.

Pure rules over plain values; the portal gathers the facts and the clock's date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.errors import RuleViolation
from domain.money import Money
from domain.programs import EventSupportParams, claim_window, latest_filing_date

# GB/T 2260 codes of Wuhan's districts.
WUHAN_DISTRICTS: dict[str, tuple[str, str]] = {
    "420102": ("江岸区", "Jiang'an"),
    "420103": ("江汉区", "Jianghan"),
    "420104": ("硚口区", "Qiaokou"),
    "420105": ("汉阳区", "Hanyang"),
    "420106": ("武昌区", "Wuchang"),
    "420107": ("青山区", "Qingshan"),
    "420111": ("洪山区", "Hongshan"),
    "420112": ("东西湖区", "Dongxihu"),
    "420113": ("汉南区", "Hannan"),
    "420114": ("蔡甸区", "Caidian"),
    "420115": ("江夏区", "Jiangxia"),
    "420116": ("黄陂区", "Huangpi"),
    "420117": ("新洲区", "Xinzhou"),
}
EVENT_TYPES = ("exhibition", "contest", "conference")
LEVELS = ("national", "international")
CATEGORIES = (
    "venue",
    "construction",
    "promotion",
    "travel",
    "prizes",
    "equipment",
    "services",
    "other",
)


@dataclass(frozen=True, slots=True)
class Line:
    category: str
    description: str
    amount: Money
    invoice_numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Filing:
    """What a filing says about its event (fields an applicant has not filled are None)."""

    title: str | None
    event_type: str | None
    level: str | None
    venue: str | None
    district: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    expected_attendance: int | None
    budget_lines: Sequence[Line]


def required(field: str) -> RuleViolation:
    return RuleViolation(
        "required",
        f"{field} is required before submitting.",
        field=field,
        message_zh=f"提交前须填写 {field}。",
    )


def check_filing(
    f: Filing, params: EventSupportParams, today: dt.date, policy: tuple[dt.date, dt.date]
) -> list[RuleViolation]:
    """Every reason a filing may not be submitted today; empty when it may."""
    errors: list[RuleViolation] = []
    if f.district is not None and f.district not in WUHAN_DISTRICTS:
        errors.append(
            RuleViolation(
                "event_not_in_wuhan",
                f"District {f.district} is not a district of Wuhan (420102-420117).",
                field="district",
                message_zh=f"行政区划代码 {f.district} 不属于武汉市(420102-420117)。",
            )
        )
    if f.starts_on is not None:
        latest = latest_filing_date(params, f.starts_on)
        if today > latest:
            errors.append(
                RuleViolation(
                    "filing_too_late",
                    f"An event starting {f.starts_on} had to be filed by {latest} "
                    f"({params.filing_lead_days} days before it starts).",
                    field="starts_on",
                    message_zh=f"{f.starts_on} 开始的活动须在 {latest} 前备案"
                    f"(开始前{params.filing_lead_days}天)。",
                )
            )
        if not policy[0] <= f.starts_on <= policy[1]:
            errors.append(
                RuleViolation(
                    "policy_not_in_effect",
                    "The event must start while the policy is in effect "
                    f"({policy[0]} to {policy[1]}).",
                    field="starts_on",
                    message_zh=f"活动须在政策有效期内({policy[0]} 至 {policy[1]})举办。",
                )
            )
    if f.starts_on is not None and f.ends_on is not None and f.ends_on < f.starts_on:
        errors.append(
            RuleViolation(
                "invalid_input",
                "The event cannot end before it starts.",
                field="ends_on",
                message_zh="活动结束日期不能早于开始日期。",
            )
        )
    for name in (
        "title",
        "event_type",
        "level",
        "venue",
        "district",
        "starts_on",
        "ends_on",
        "expected_attendance",
    ):
        if getattr(f, name) is None:
            errors.append(required(name))
    if not f.budget_lines:
        errors.append(required("budget_lines"))
    return errors


def check_recognition(starts_on: dt.date, today: dt.date) -> None:
    """A filing must be recognized before its event starts; on the start date it lapses."""
    if today >= starts_on:
        raise RuleViolation(
            "filing_lapsed",
            f"The event started on {starts_on}; a filing can no longer be recognized.",
            message_zh=f"活动已于 {starts_on} 开始,备案不能再予认定。",
            status=409,
        )


def check_claim_window(params: EventSupportParams, ends_on: dt.date, today: dt.date) -> None:
    first, last = claim_window(params, ends_on)
    if not first <= today <= last:
        raise RuleViolation(
            "claim_window_closed",
            f"Claims for this event are accepted from {first} to {last}.",
            field="filing_id",
            message_zh=f"该活动的兑现申报时间为 {first} 至 {last}。",
        )


def repeated_invoices(lines: Sequence[Line]) -> list[RuleViolation]:
    """An invoice number may appear once within a claim."""
    counts = Counter(n for line in lines for n in line.invoice_numbers)
    return [
        RuleViolation(
            "invoice_repeated",
            f"Invoice {number} appears more than once in this claim.",
            field="expense_lines",
            message_zh=f"发票号 {number} 在本申请中重复出现。",
        )
        for number, count in sorted(counts.items())
        if count > 1
    ]


@dataclass(frozen=True, slots=True)
class ReviewedLine:
    claimed: Money
    approved: Money
    reason: str | None


def review_lines(
    claimed: Sequence[Money],
    approved: Mapping[int, Money],
    reasons: Mapping[int, str],
    comment: str,
) -> list[ReviewedLine]:
    """Apply a reviewer's per-line amounts: never above the claim, and every cut explained."""
    for index in approved:
        if not 0 <= index < len(claimed):
            raise RuleViolation(
                "invalid_input",
                f"There is no line {index}; lines are numbered from 0.",
                field=f"approved_lines.{index}",
                message_zh=f"不存在第 {index} 行(从0开始编号)。",
            )
    out: list[ReviewedLine] = []
    for index, amount in enumerate(claimed):
        approved_amount = approved.get(index, amount)
        if approved_amount > amount:
            raise RuleViolation(
                "invalid_input",
                f"Line {index}: the approved amount exceeds the claimed {amount}.",
                field=f"approved_lines.{index}",
                message_zh=f"第 {index} 行核定金额超过申报金额 {amount}。",
            )
        reason = reasons.get(index) or (comment if approved_amount < amount else None) or None
        if approved_amount < amount and not reason:
            raise RuleViolation(
                "cut_reason_required",
                f"Line {index} is cut: give the reason.",
                field=f"line_reasons.{index}",
                message_zh=f"第 {index} 行核减,请说明理由。",
            )
        out.append(
            ReviewedLine(amount, approved_amount, reason if approved_amount < amount else None)
        )
    return out
