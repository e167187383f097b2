"""Article 7: AI demonstration scenario projects, scored by experts and selected by rank."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from domain.errors import RuleViolation
from domain.money import Money

FIELDS = {
    "smart_manufacturing": ("智能制造", "Smart manufacturing"),
    "connected_vehicles": ("智能网联汽车", "Connected vehicles"),
    "smart_construction": ("智能建造", "Smart construction"),
    "smart_health": ("智慧医疗", "Smart health"),
    "smart_education": ("智慧教育", "Smart education"),
    "smart_city": ("智慧城市", "Smart city"),
    "other": ("其他", "Other"),
}
MIN_SCORES = 3


def check_call(call: tuple[dt.date, dt.date] | None, year: int, today: dt.date) -> None:
    if call is None or not call[0] <= today <= call[1]:
        when = f"{call[0]} to {call[1]}" if call else "not opened"
        raise RuleViolation(
            "call_closed",
            f"The {year} call is closed ({when}).",
            field="call_year",
            message_zh=f"{year} 年度申报"
            + (f"时间为 {call[0]} 至 {call[1]}。" if call else "尚未开放。"),
        )


def check_investment(total: Money, lines: Sequence[Money]) -> list[RuleViolation]:
    if lines and sum(lines, Money.ZERO) != total:
        return [
            RuleViolation(
                "investment_mismatch",
                f"The investment lines add up to {sum(lines, Money.ZERO)}, not the total {total}.",
                field="total_investment",
                message_zh=f"投资明细合计 {sum(lines, Money.ZERO)} 与总投资 {total} 不一致。",
            )
        ]
    return []


def check_scores(count: int, needed: int = MIN_SCORES) -> None:
    if count < needed:
        raise RuleViolation(
            "scores_missing",
            f"{needed} expert scores are needed; there are {count}.",
            message_zh=f"须有{needed}位专家评分,目前{count}位。",
            status=409,
        )


def check_score(score: int, declared_no_conflict: bool) -> None:
    if not declared_no_conflict:
        raise RuleViolation(
            "conflict_not_declared",
            "Declare that you have no conflict of interest before scoring.",
            field="declare_no_conflict",
            message_zh="评分前请声明与本项目无利益冲突。",
        )
    if not 0 <= score <= 100:
        raise RuleViolation(
            "invalid_input",
            "A score is from 0 to 100.",
            field="score",
            message_zh="评分范围为0至100。",
        )


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    scores: tuple[int, ...]
    award: Money
    submitted_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Ranked:
    key: str
    rank: int
    average: Fraction
    award: Money
    cumulative: Money
    fits: bool


def rank(candidates: Sequence[Candidate], available: Money) -> list[Ranked]:
    """By average score, earlier submission first on a tie; selected in rank order while the
    budget lasts (the first that does not fit ends the selection: no skipping down the list)."""
    ordered = sorted(
        candidates, key=lambda c: (-Fraction(sum(c.scores), len(c.scores)), c.submitted_at)
    )
    out, total, open_ = [], Money.ZERO, True
    for i, c in enumerate(ordered, 1):
        fits = open_ and total + c.award <= available
        open_ = fits
        total = total + c.award if fits else total
        out.append(Ranked(c.key, i, Fraction(sum(c.scores), len(c.scores)), c.award, total, fits))
    return out
