"""Statistics on the wire: money as two-decimal yuan strings, counts as integers, ages and
durations in days. The public document holds totals and counts only: no organization, no person."""

from __future__ import annotations

import datetime as dt

import msgspec


class Tally(msgspec.Struct, kw_only=True):
    """Awards approved (and standing) and payments made: amounts and how many."""

    approved: str
    approved_count: int
    paid: str
    paid_count: int


class ProgramMoney(Tally, kw_only=True):
    program: str
    title_zh: str
    title_en: str


class DistrictMoney(Tally, kw_only=True):
    district: str  # GB/T 2260 code of the organizations' district
    name_zh: str
    name_en: str


class YearMoney(Tally, kw_only=True):
    """Approved in the year of approval (the budget year), paid in the year of payment."""

    year: int


class ProgramCounts(msgspec.Struct, kw_only=True):
    """Applications (drafts never) by group: in review (submitted, reviewed, returned for
    correction), approved (approved, in publicity, confirmed, or a filing recognized), paid,
    and closed (rejected, withdrawn, lapsed)."""

    program: str
    title_zh: str
    title_en: str
    in_review: int
    approved: int
    paid: int
    closed: int
    total: int


class PaymentTime(msgspec.Struct, kw_only=True):
    """Calendar days from an application's (last) submission to its payment date."""

    median_days: float | None
    payments: int


class PublicStatistics(msgspec.Struct, kw_only=True):
    as_of: dt.datetime  # when the figures were computed; they are kept about a minute
    totals: Tally
    applications_total: int
    by_program: list[ProgramMoney]
    by_district: list[DistrictMoney]
    by_year: list[YearMoney]
    applications: list[ProgramCounts]
    payment_time: PaymentTime


class StageOut(msgspec.Struct, kw_only=True):
    stage: str  # the status work waits in
    count: int
    median_age_working_days: float | None
    oldest_age_working_days: int | None
    over_limit: int | None  # waiting longer than the program's limit; null: no limit applies


class Backlog(msgspec.Struct, kw_only=True):
    default_limit_working_days: int  # programs may set their own `review_sla_working_days`
    stages: list[StageOut]


class ReviewerOut(msgspec.Struct, kw_only=True):
    user_id: str | None
    name: str
    decisions: dict[str, int]  # by action: pass, return, reject, approve, uphold_objection
    total: int


class Throughput(msgspec.Struct, kw_only=True):
    since: dt.datetime
    days: int
    reviewers: list[ReviewerOut]
    total: int


class BudgetUse(msgspec.Struct, kw_only=True):
    program: str
    title_zh: str
    title_en: str
    budget: str
    reserved: str
    spent: str
    left: str


class Budgets(msgspec.Struct, kw_only=True):
    year: int
    items: list[BudgetUse]


class StaffStatistics(msgspec.Struct, kw_only=True):
    as_of: dt.datetime
    today: dt.date
    backlog: Backlog
    throughput: Throughput
    budgets: Budgets
