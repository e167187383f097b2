"""What the statistics count: status groups, the staff's backlog by stage with its age in working
days against the service-level limit, and medians of grouped figures. Pure: rows and dates in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from domain.calendar import WorkCalendar
from domain.lifecycle import Status

S = Status

# The public's four groups of a live or finished application (drafts are never counted).
GROUPS = ("in_review", "approved", "paid", "closed")
GROUP_OF: dict[str, str] = {
    S.SUBMITTED: "in_review",
    S.REVIEWED: "in_review",
    S.RETURNED: "in_review",
    S.RECOGNIZED: "approved",
    S.APPROVED: "approved",
    S.PUBLICIZED: "approved",
    S.CONFIRMED: "approved",
    S.DISBURSED: "paid",
    S.REJECTED: "closed",
    S.WITHDRAWN: "closed",
    S.LAPSED: "closed",
}

# Statuses whose approved award stands (reserved or spent): the money "approved". An upheld
# objection sends an award back to review, and it stops counting until approved again.
AWARDED = frozenset({S.APPROVED, S.PUBLICIZED, S.CONFIRMED, S.DISBURSED})

# Where work waits for staff, in the order it flows; the first two are held to the programs'
# `review_sla_working_days` (as the reviewers' reminders are), the rest follow fixed periods.
STAGES = (S.SUBMITTED, S.REVIEWED, S.APPROVED, S.PUBLICIZED, S.CONFIRMED)
SLA_STAGES = frozenset({S.SUBMITTED, S.REVIEWED})


@dataclass(frozen=True, slots=True)
class Waiting:
    """`count` applications in `stage` since `since` (a business date), under a limit of `sla`
    working days."""

    stage: str
    since: dt.date
    sla: int
    count: int


@dataclass(frozen=True, slots=True)
class StageBacklog:
    stage: str
    count: int
    median_age: float | None  # working days
    oldest_age: int | None
    over_limit: int | None  # None where no service-level limit applies


def grouped_median(values: Iterable[tuple[float, int]]) -> float | None:
    """The median of values given as (value, how many times): the middle one, or the mean of
    the two middle ones."""
    pairs = sorted((v, n) for v, n in values if n > 0)
    total = sum(n for _, n in pairs)
    if total == 0:
        return None
    wanted = [(total - 1) // 2, total // 2]  # 0-based positions of the middle value(s)
    found: list[float] = []
    seen = 0
    for value, n in pairs:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return (found[0] + found[1]) / 2


def backlog(
    waiting: Iterable[Waiting], calendar: WorkCalendar, today: dt.date
) -> list[StageBacklog]:
    """Each stage's count, median and oldest age in working days (the day it entered the stage
    not counted, today counted), and how many waited longer than their limit."""
    by_stage: dict[str, list[tuple[int, Waiting]]] = {str(s): [] for s in STAGES}
    for w in waiting:
        if w.stage in by_stage:
            by_stage[w.stage].append((calendar.working_days_between(w.since, today), w))
    out = []
    for stage, aged in by_stage.items():
        out.append(
            StageBacklog(
                stage=stage,
                count=sum(w.count for _, w in aged),
                median_age=grouped_median((age, w.count) for age, w in aged),
                oldest_age=max((age for age, w in aged if w.count), default=None),
                over_limit=sum(w.count for age, w in aged if age > w.sla)
                if stage in SLA_STAGES
                else None,
            )
        )
    return out
