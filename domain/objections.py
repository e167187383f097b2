"""Objections to an award in publicity (公示异议): open until an approver resolves each, once.

An open objection holds the award: the period's end does not confirm it and it cannot be paid.
Dismissing the last one after the period has ended confirms the award at once; upholding one
withdraws the award and sends the application back to review.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from domain.errors import RuleViolation
from domain.throttle import ThrottleRule


class ObjectionStatus(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    UPHELD = "upheld"


class Outcome(StrEnum):
    DISMISSED = "dismissed"
    UPHELD = "upheld"


def already_resolved() -> RuleViolation:
    return RuleViolation(
        "objection_resolved",
        "This objection has already been resolved.",
        message_zh="该异议已处理。",
        status=409,
    )


def check_resolution(status: ObjectionStatus, comment: str) -> None:
    if status != ObjectionStatus.OPEN:
        raise already_resolved()
    if not comment.strip():
        raise RuleViolation(
            "comment_required",
            "Say why: the organization and the record see the reason.",
            field="comment",
            message_zh="请填写处理理由,申请单位可见并存档。",
        )


def confirms_now(*, open_left: int, period_over: bool, publicized: bool) -> bool:
    """After a dismissal: the award is confirmed at once when nothing holds it any more."""
    return publicized and period_over and open_left == 0


# The anonymous form: a few objections a client address may lodge within minutes, and a ceiling
# per announcement against a flood from many addresses. Past either, 429 with Retry-After.
PER_ADDRESS = ThrottleRule(max_hits=3, window=timedelta(minutes=10), lockout=timedelta(minutes=10))
PER_ANNOUNCEMENT = ThrottleRule(
    max_hits=20, window=timedelta(minutes=10), lockout=timedelta(minutes=10)
)
