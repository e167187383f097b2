"""A reviewer's work on an application: amounts approved line by line (each cut explained),
expert scores, and the ranking of a yearly call's scored applications within its budget."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from domain.errors import RuleViolation
from domain.money import Money


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


def check_scores(count: int, needed: int) -> None:
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
