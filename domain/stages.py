"""Where an application waits and who acts next: its stage, its age in working days and whether
it is overdue against its program's service-level limit (the statistics backlog's rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from domain.accounts import Role
from domain.calendar import WorkCalendar
from domain.chain import Chain, district_reviews
from domain.lifecycle import Status
from domain.statistics import SLA_STAGES

S = Status

# Working days, where a program's version sets no `review_sla_working_days`.
DEFAULT_SLA: Final = 5

# Stages, named for who acts next. The district's first review exists only on a district-first
# program (domain.chain); publicity is the public comment period, when objections are decided.
DISTRICT_REVIEW: Final = "district_review"
CITY_REVIEW: Final = "city_review"
APPROVAL: Final = "approval"
ANNOUNCEMENT: Final = "announcement"
PUBLICITY: Final = "publicity"
PAYMENT: Final = "payment"
APPLICANT: Final = "applicant"
STAGES: Final = (
    DISTRICT_REVIEW,
    CITY_REVIEW,
    APPROVAL,
    ANNOUNCEMENT,
    PUBLICITY,
    PAYMENT,
    APPLICANT,
)

_BY_STATUS: Final[dict[str, str]] = {
    S.SUBMITTED: CITY_REVIEW,
    S.REVIEWED: APPROVAL,
    S.APPROVED: ANNOUNCEMENT,
    S.PUBLICIZED: PUBLICITY,
    S.CONFIRMED: PAYMENT,
    S.DRAFT: APPLICANT,
    S.RETURNED: APPLICANT,
}

# The staff roles that act at each stage (domain.lifecycle's transitions; objections during
# publicity are the approvers').
ACTING_ROLES: Final[dict[str, frozenset[Role]]] = {
    DISTRICT_REVIEW: frozenset({Role.REVIEWER}),
    CITY_REVIEW: frozenset({Role.REVIEWER}),
    APPROVAL: frozenset({Role.APPROVER}),
    ANNOUNCEMENT: frozenset({Role.APPROVER, Role.ADMIN}),
    PUBLICITY: frozenset({Role.APPROVER}),
    PAYMENT: frozenset({Role.FINANCE}),
}


def stage_of(status: str, chain: Chain | str | None, district: str) -> str | None:
    """Who acts next on an application of `district` in `status` under its program's review chain
    (as stored; None: the city's); None once nobody does (it is finished). A submitted
    application waits for its district's first review where domain.chain says a district takes
    it, else for the city's."""
    if status == S.SUBMITTED and district_reviews(chain, district):
        return DISTRICT_REVIEW
    return _BY_STATUS.get(status)


@dataclass(frozen=True, slots=True)
class Age:
    working_days: int
    sla: int | None  # None where no service-level limit applies
    overdue: bool


def age_of(
    status: str, since: dt.date, sla: int | None, calendar: WorkCalendar, today: dt.date
) -> Age:
    """Working days since `since` (that day not counted, today counted), against the program's
    limit where the stage has one (the first review and the approval)."""
    return age_after(status, calendar.working_days_between(since, today), sla)


def limit_of(status: str, sla: int | None) -> int | None:
    """The working days an application may wait in `status` under its program's limit `sla`
    (None: the default); None where the stage has no limit."""
    if status not in SLA_STAGES:
        return None
    return DEFAULT_SLA if sla is None else sla


def age_after(status: str, days: int, sla: int | None) -> Age:
    """An age of `days` working days against the program's limit where the stage has one."""
    limit = limit_of(status, sla)
    return Age(days, limit, limit is not None and days > limit)


def responsible(
    stage: str, roles: frozenset[Role], districts: frozenset[str], district: str
) -> bool:
    """Whether a staff member with `roles` and scope `districts` (empty: the city) acts on an
    item at `stage` in `district`: a district's staff take its first review and nothing else,
    the city's staff the rest."""
    if roles.isdisjoint(ACTING_ROLES.get(stage, ())):
        return False
    if stage == DISTRICT_REVIEW:
        return district in districts
    return not districts


# The longest limit the work queue's "overdue only" filter tells apart (about a year).
MOST_SLA: Final = 250


def overdue_cutoffs(calendar: WorkCalendar, today: dt.date, most: int = MOST_SLA) -> list[dt.date]:
    """For each limit k in 0..most, the last date an item may have entered its stage and be
    overdue today: entered on or before it, it has waited more than k working days."""
    cutoffs: list[dt.date] = []
    d = today
    while len(cutoffs) <= most:
        if calendar.is_working_day(d):  # the (k+1)-th working day back: entered before it
            cutoffs.append(d - dt.timedelta(days=1))
        d -= dt.timedelta(days=1)
    return cutoffs
