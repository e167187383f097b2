"""The life of an application: which action may move it from which status, and who may act.

One table serves every application type; filings end at `recognized`, the others (claims) go on
through approval, publicity and payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.accounts import Role
from domain.errors import RuleViolation


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    RECOGNIZED = "recognized"
    APPROVED = "approved"
    PUBLICIZED = "publicized"
    CONFIRMED = "confirmed"
    DISBURSED = "disbursed"
    RETURNED = "returned"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    PASS = "pass"  # noqa: S105 - the reviewer passes an application
    RETURN = "return"
    REJECT = "reject"
    APPROVE = "approve"
    PUBLICIZE = "publicize"
    CONFIRM = "confirm"
    DISBURSE = "disburse"
    UPHOLD_OBJECTION = "uphold_objection"
    LAPSE = "lapse"


class Actor(StrEnum):
    """Who acts besides staff roles: the applying organization, and the scheduler."""

    APPLICANT = "applicant"
    SYSTEM = "system"


Who = Role | Actor

# Actions a staff member takes through the decisions endpoint.
DECISIONS = frozenset(
    {Action.PASS, Action.RETURN, Action.REJECT, Action.APPROVE, Action.UPHOLD_OBJECTION}
)
# Statuses in which the applicant may still edit.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
# Statuses that no longer count as a live application (a new one may be made).
DEAD = frozenset({Status.WITHDRAWN, Status.REJECTED, Status.LAPSED})


@dataclass(frozen=True, slots=True)
class Transition:
    source: frozenset[Status]
    action: Action
    target: Status
    who: frozenset[Who]


def _t(source: set[Status], action: Action, target: Status, *who: Who) -> Transition:
    return Transition(frozenset(source), action, target, frozenset(who))


S = Status
_COMMON = (
    _t({S.DRAFT, S.RETURNED}, Action.SUBMIT, S.SUBMITTED, Actor.APPLICANT),
    _t({S.DRAFT, S.SUBMITTED, S.RETURNED}, Action.WITHDRAW, S.WITHDRAWN, Actor.APPLICANT),
    _t({S.SUBMITTED}, Action.PASS, S.REVIEWED, Role.REVIEWER),
    _t({S.SUBMITTED}, Action.RETURN, S.RETURNED, Role.REVIEWER),
    _t({S.SUBMITTED}, Action.REJECT, S.REJECTED, Role.REVIEWER),
    _t({S.REVIEWED}, Action.RETURN, S.RETURNED, Role.APPROVER),
    _t({S.REVIEWED}, Action.REJECT, S.REJECTED, Role.APPROVER),
)

FILING = (
    *_COMMON,
    _t({S.REVIEWED}, Action.APPROVE, S.RECOGNIZED, Role.APPROVER),
    _t({S.SUBMITTED, S.REVIEWED, S.RETURNED}, Action.LAPSE, S.LAPSED, Actor.SYSTEM),
)

CLAIM = (
    *_COMMON,
    _t({S.REVIEWED}, Action.APPROVE, S.APPROVED, Role.APPROVER),
    _t({S.APPROVED}, Action.PUBLICIZE, S.PUBLICIZED, Role.ADMIN, Role.APPROVER),
    _t({S.PUBLICIZED}, Action.CONFIRM, S.CONFIRMED, Actor.SYSTEM),
    # A program without publicity: its approved award is confirmed at once.
    _t({S.APPROVED}, Action.CONFIRM, S.CONFIRMED, Actor.SYSTEM),
    _t({S.CONFIRMED}, Action.DISBURSE, S.DISBURSED, Role.FINANCE),
    # An upheld objection sends the award back to review; its reservation is released.
    _t(
        {S.PUBLICIZED, S.CONFIRMED},
        Action.UPHOLD_OBJECTION,
        S.SUBMITTED,
        Role.REVIEWER,
        Role.APPROVER,
    ),
)


def table_for(prior: bool) -> tuple[Transition, ...]:
    """An earlier application (a filing) ends at recognized; a claim goes on to payment."""
    return FILING if prior else CLAIM


def next_status(prior: bool, status: Status, action: Action, who: frozenset[Who]) -> Status:
    """The status `action` leads to, or why it may not be taken.

    403 when the action exists here but the actor may not take it; 409 when the action cannot
    be taken from this status at all.
    """
    candidates = [t for t in table_for(prior) if t.action == action]
    for t in candidates:
        if status in t.source:
            if who.isdisjoint(t.who):
                raise RuleViolation(
                    "forbidden",
                    f"Your roles do not allow '{action}' on an application that is {status}.",
                    message_zh=f"您的角色无权对“{_ZH[status]}”状态的申请执行此操作。",
                    status=403,
                )
            return t.target
    raise RuleViolation(
        "invalid_transition",
        f"'{action}' is not possible on an application that is {status}.",
        message_zh=f"“{_ZH[status]}”状态的申请不能执行此操作。",
        status=409,
    )


def allowed_actions(prior: bool, status: Status, who: frozenset[Who]) -> list[Action]:
    return [t.action for t in table_for(prior) if status in t.source and not who.isdisjoint(t.who)]


def check_decision(
    action: Action, *, declared_no_conflict: bool, decider: str, passed_by: str | None
) -> None:
    """Reviewers declare no conflict before deciding; the approver is not who passed it."""
    if action in (Action.PASS, Action.APPROVE) and not declared_no_conflict:
        raise RuleViolation(
            "conflict_not_declared",
            "Declare that you have no conflict of interest before deciding.",
            message_zh="请先声明与本申请无利益冲突。",
            field="declare_no_conflict",
        )
    if action == Action.APPROVE and passed_by is not None and passed_by == decider:
        raise RuleViolation(
            "same_reviewer",
            "You passed this application; another approver must approve it (four eyes).",
            message_zh="您已初审通过该申请,须由另一名复核人员审批(双人复核)。",
            status=409,
        )


_ZH = {
    S.DRAFT: "草稿",
    S.SUBMITTED: "已提交",
    S.REVIEWED: "初审通过",
    S.RECOGNIZED: "已认定",
    S.APPROVED: "已批准",
    S.PUBLICIZED: "公示中",
    S.CONFIRMED: "公示期满",
    S.DISBURSED: "已拨付",
    S.RETURNED: "已退回",
    S.REJECTED: "未通过",
    S.WITHDRAWN: "已撤回",
    S.LAPSED: "已失效",
}
STATUS_ZH = _ZH
