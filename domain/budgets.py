"""Whose budget an award is reserved from, spent from and refunded to: the city's, or, when the
award is split (article 二's match: city 50%, district 50%), the city's and that of the district
where the application belongs. Pure: the portal locks, reserves and records what these say."""

from __future__ import annotations

from collections.abc import Sequence

from domain.definition.award import Award
from domain.districts import WUHAN_DISTRICTS, district_names
from domain.errors import RuleViolation
from domain.money import Money

CITY = "city"

# A budget's funder: 'city' or a Wuhan district's GB/T 2260 code; with its amount.
Part = tuple[str, Money]


def funder_names(funder: str) -> tuple[str, str]:
    """Who holds a budget, in Chinese and English."""
    return ("市级", "the city") if funder == CITY else district_names(funder)


def check_funder(value: str) -> str:
    if value == CITY or value in WUHAN_DISTRICTS:
        return value
    raise RuleViolation(
        "invalid_input",
        f"funder must be 'city' or the code of one of Wuhan's districts (420102 to 420117), "
        f"not {value!r}.",
        field="funder",
        message_zh=f"出资方须为 city(市级)或武汉市某区的行政区划代码(420102–420117),"
        f"而非“{value}”。",
    )


def reservations(award: Award, district: str) -> tuple[Part, ...]:
    """Each budget an award is reserved from, and how much: the city's share from the city's
    budget, the district's from the budget of `district` (the application's). An application of
    no Wuhan district (a firm registered at the city's level) has no district to pay its share:
    the city pays it, as the city alone reviews it (domain.chain).

    A province share is the province's money: the breakdown shows it, but no budget here holds
    it, so nothing is reserved for it. Sorted by funder, the order budget rows are locked in, so
    that two approvals never wait on each other in a circle.
    """
    out: dict[str, Money] = {}
    for share in award.shares:
        if share.funder == "province":
            continue
        key = district if share.funder == "district" and district in WUHAN_DISTRICTS else CITY
        out[key] = out.get(key, Money.ZERO) + share.amount
    return tuple(sorted(out.items()))


def refunds(parts: Sequence[Part], award: Money, before: Money, after: Money) -> tuple[Part, ...]:
    """What a repayment returns to each budget the award was spent from, when what has been
    repaid of it goes from `before` to `after`.

    Each budget is owed its share of the award of what has come back so far, truncated, less
    what it was given before; so repayments add up, budget by budget, to its share of the whole.
    When the budgets paid the whole award (no province share), the last takes what truncation
    left, so the repayment is returned to the fen (with two funders, its part never shrinks).
    """

    def owed(repaid: Money) -> list[Money]:
        if not award:
            return [Money.ZERO for _ in parts]
        due = [Money(repaid.fen * amount.fen // award.fen) for _, amount in parts]
        if parts and sum((a for _, a in parts), Money.ZERO) == award:
            due[-1] = repaid - sum(due[:-1], Money.ZERO)
        return due

    return tuple(
        (funder, now - then)
        for (funder, _), now, then in zip(parts, owed(after), owed(before), strict=True)
    )


def budget_short(
    program: str, year: int, funder: str, left: Money | None, need: Money
) -> RuleViolation:
    """The approval is refused whole: `funder`'s budget is missing (`left` None) or short."""
    zh, en = funder_names(funder)
    holder = "The city's" if funder == CITY else f"{en}'s"
    if left is None:
        en_text = (
            f"{holder} {year} budget of {program} is not set: it cannot cover its share of this "
            f"award (¥{need.grouped()})."
        )
        zh_text = f"{zh}尚未设置 {program} {year} 年度预算,无法承担本奖补中的 ¥{need.grouped()}。"
    else:
        en_text = (
            f"{holder} {year} budget of {program} has ¥{left.grouped()} left, less than its "
            f"share of this award (¥{need.grouped()})."
        )
        zh_text = (
            f"{zh} {program} {year} 年度预算余额 ¥{left.grouped()},"
            f"不足以承担本奖补中的 ¥{need.grouped()}。"
        )
    return RuleViolation("budget_exhausted", en_text, message_zh=zh_text, status=409)
