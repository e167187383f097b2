"""The award a definition pays, with its explanation: a pure function of the version's steps,
the amounts they read and what was already paid.

The breakdown is a ledger: each step that changes the award writes one line whose amount is
that change (a cap's line is negative), so the lines add up to the award; a split replaces them
with each funder's share. The rule text says the whole calculation as a formula. Money is fen
throughout and every share is truncated to the fen (the policy pays "up to").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.definition.model import (
    Cap,
    Definition,
    Fixed,
    Input,
    Rate,
    Remaining,
    Split,
    Within,
)
from domain.errors import RuleViolation
from domain.money import Money, parse_money
from domain.programs import Award, BreakdownLine, format_bp

FUNDERS = {
    "province": ("省级", "province"),
    "city": ("市级", "city"),
    "district": ("区级", "district"),
}


@dataclass
class _Run:
    amount: Money = Money.ZERO
    base: tuple[str, str, Money] | None = None  # an input not yet written: (zh, en, amount)
    lines: list[BreakdownLine] = field(default_factory=list)
    capped: bool = False

    def write(self, en: str, zh: str, change: Money) -> None:
        self.lines.append(BreakdownLine(en, change, zh))

    def written(self) -> None:
        """An input read but not yet a line becomes one, before a step changes it."""
        if self.base is not None:
            zh, en, amount = self.base
            self.write(f"{en} {amount.grouped()}", f"{zh} {amount.grouped()}", amount)
            self.base = None

    def lower_to(self, ceiling: Money, en: str, zh: str) -> None:
        self.written()
        if self.amount > ceiling:
            self.write(en, zh, ceiling - self.amount)
            self.amount = ceiling
            self.capped = True


def below_minimum(minimum: Money, name: str, label: tuple[str, str]) -> RuleViolation:
    zh, en = label
    return RuleViolation(
        "below_minimum",
        f"{en or 'The amount'} must be at least {minimum.grouped()} yuan.",
        field=name,
        message_zh=f"{zh or '金额'}不得低于 {minimum.grouped()} 元。",
    )


def cap_reached(total: Money, paid: Money) -> RuleViolation:
    return RuleViolation(
        "cap_reached",
        f"The total of {total.grouped()} yuan has been paid already ({paid.grouped()}).",
        message_zh=f"累计奖补上限 {total.grouped()} 元已用完(已获 {paid.grouped()} 元)。",
        status=409,
    )


def compute(d: Definition, inputs: Mapping[str, Money], already_paid: Money = Money.ZERO) -> Award:
    """The award for these amounts (money fields, and lines fields' totals) under `d`.

    A field the award reads and that is missing is `required`; an amount asked for under a
    minimum is `below_minimum`; nothing left under a total is `cap_reached`.
    """
    run = _Run()
    label, name = ("", ""), "amount"
    for step in d.award:
        if isinstance(step, Input):
            f = d.field(step.field)
            label, name = ((f.label_zh, f.label_en) if f else (step.field, step.field)), step.field
            value = inputs.get(step.field)
            if value is None:
                raise RuleViolation(
                    "required",
                    f"{label[1]} is needed to compute the award.",
                    field=step.field,
                    message_zh=f"计算奖补须填写“{label[0]}”。",
                )
            run.written()
            run.base, run.amount = (label[0], label[1], value), value
        elif isinstance(step, Rate):
            product = run.amount.percent_of(step.bp)
            rate = format_bp(step.bp)
            if run.base is not None:  # the common case, rate × input: one line
                zh, en, base = run.base
                run.base = None
                run.write(
                    f"{rate} × {en} {base.grouped()}", f"{rate} × {zh} {base.grouped()}", product
                )
            else:
                run.write(f"× {rate}", f"× {rate}", product - run.amount)
            run.amount = product
        elif isinstance(step, Cap):
            cap = parse_money(step.amount)
            run.lower_to(cap, f"Cap {cap.grouped()}", f"封顶 {cap.grouped()}")
        elif isinstance(step, Fixed):
            fixed = parse_money(step.amount)
            run.written()
            run.write(
                f"Fixed amount {fixed.grouped()}", f"定额 {fixed.grouped()}", fixed - run.amount
            )
            run.amount = fixed
        elif isinstance(step, Within):
            if step.min is not None and run.amount < parse_money(step.min):
                raise below_minimum(parse_money(step.min), name, label)
            if step.max is not None:
                high = parse_money(step.max)
                run.lower_to(high, f"At most {high.grouped()}", f"不超过 {high.grouped()}")
            run.written()
        elif isinstance(step, Remaining):
            total = parse_money(step.total)
            left = total - already_paid
            if left <= Money.ZERO:
                raise cap_reached(total, already_paid)
            paid = already_paid.grouped()
            run.lower_to(
                left,
                f"Total {total.grouped()}, {paid} paid already: {left.grouped()} left",
                f"累计上限 {total.grouped()},已获 {paid},尚余 {left.grouped()}",
            )
        elif isinstance(step, Split):
            run.written()
            run.lines = _shares(step, run.amount)
    run.written()
    zh_rule, en_rule = rule_text(d)
    return Award(run.amount, run.capped, tuple(run.lines), zh_rule, en_rule)


def _shares(step: Split, amount: Money) -> list[BreakdownLine]:
    """Each funder's share, truncated; the last takes what truncation left, so they add up."""
    lines, given = [], Money.ZERO
    for i, share in enumerate(step.shares):
        part = amount - given if i == len(step.shares) - 1 else amount.percent_of(share.bp)
        given += part
        zh, en = FUNDERS[share.funder]
        rate = format_bp(share.bp)
        lines.append(BreakdownLine(f"{en.capitalize()} {rate}", part, f"{zh} {rate}"))
    return lines


def rule_text(d: Definition) -> tuple[str, str]:
    """The calculation as a formula, in Chinese and English, from the steps themselves."""
    zh, en = "", ""
    tail_zh, tail_en = "", ""
    for step in d.award:
        if isinstance(step, Input):
            f = d.field(step.field)
            zh, en = (f.label_zh, f.label_en) if f else (step.field, step.field)
        elif isinstance(step, Rate):
            rate = format_bp(step.bp)
            zh, en = f"{rate} × {zh}", f"{rate} × {en}"
        elif isinstance(step, Cap):
            cap = parse_money(step.amount).grouped()
            zh, en = f"min({zh}, {cap})", f"min({en}, {cap})"
        elif isinstance(step, Fixed):
            zh = en = parse_money(step.amount).grouped()
        elif isinstance(step, Within):
            low = parse_money(step.min).grouped() if step.min else None
            high = parse_money(step.max).grouped() if step.max else None
            if high:
                zh, en = f"min({zh}, {high})", f"min({en}, {high})"
            if low:
                tail_zh += f";不低于 {low}"
                tail_en += f"; at least {low}"
        elif isinstance(step, Remaining):
            total = parse_money(step.total).grouped()
            zh, en = f"min({zh}, {total} − 已获)", f"min({en}, {total} − already paid)"
        elif isinstance(step, Split):
            tail_zh += ";" + "、".join(
                f"{FUNDERS[s.funder][0]}{format_bp(s.bp)}" for s in step.shares
            )
            tail_en += "; " + ", ".join(
                f"{FUNDERS[s.funder][1]} {format_bp(s.bp)}" for s in step.shares
            )
    return zh + tail_zh, en + tail_en
