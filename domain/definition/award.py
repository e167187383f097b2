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
from typing import Literal

from domain.definition.model import (
    Cap,
    Definition,
    Fixed,
    Input,
    Rate,
    Remaining,
    Split,
    Stages,
    Within,
)
from domain.errors import RuleViolation
from domain.money import Money, parse_money


@dataclass(frozen=True, slots=True)
class BreakdownLine:
    """One line of an award's explanation; `label` English, `label_zh` Chinese."""

    label: str
    amount: Money
    label_zh: str = ""


Funder = Literal["province", "city", "district"]


@dataclass(frozen=True, slots=True)
class FunderShare:
    """What one level of government pays of an award."""

    funder: Funder
    amount: Money


@dataclass(frozen=True, slots=True)
class Award:
    """A computed award with the breakdown and rule text shown to applicants and reviewers,
    and each funder's share of it (the split step's; without one, the city pays it all)."""

    amount: Money
    capped: bool
    breakdown: tuple[BreakdownLine, ...]
    rule_zh: str
    rule_en: str
    shares: tuple[FunderShare, ...]


def format_bp(rate_bp: int) -> str:
    """5000 → `"50%"`, 3050 → `"30.5%"`, 3333 → `"33.33%"` (exact, from integers)."""
    whole, frac = divmod(rate_bp, 100)
    if frac == 0:
        return f"{whole}%"
    return f"{whole}.{f'{frac:02d}'.rstrip('0')}%"


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
    shares: tuple[FunderShare, ...] | None = None  # a split's; None: the city's alone

    def write(self, en: str, zh: str, amount: Money) -> None:
        """A line: a part that adds up (an input, a stage, a share), or, for a step that
        changes the running amount, the amount it leaves."""
        self.lines.append(BreakdownLine(en, amount, zh))

    def written(self) -> None:
        """An input read but not yet a line becomes one, before a step changes it."""
        if self.base is not None:
            zh, en, amount = self.base
            self.write(f"{en} {amount.grouped()}", f"{zh} {amount.grouped()}", amount)
            self.base = None

    def lower_to(self, ceiling: Money, en: str, zh: str) -> None:
        self.written()
        if self.amount > ceiling:
            self.write(en, zh, ceiling)
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


def compute(
    d: Definition,
    inputs: Mapping[str, Money],
    already_paid: Money = Money.ZERO,
    chosen: Mapping[str, tuple[str, ...]] | None = None,
    taken: frozenset[str] = frozenset(),
    article: str = "",
) -> Award:
    """The award for these amounts (money fields, and lines fields' totals) under `d`.

    `chosen`: the options picked in choices fields (the stages claimed); `taken`: the stages
    already paid to the organization. A field the award reads and that is missing is
    `required`; an amount asked for under a minimum is `below_minimum`; a stage paid before is
    `stage_already_paid`; nothing left under a total is `cap_reached`. `article`: the policy's
    article the program pays under (Chinese numerals), cited after the rule.
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
            if run.base is not None:  # the common case, rate × input: one line, as arithmetic
                base = run.base[2]  # (the rule's text names the input)
                run.base = None
                text = f"{rate} × {base.grouped()} = {product.grouped()}"
                run.write(text, text, product)
            else:
                run.write(f"× {rate}", f"× {rate}", product)
            run.amount = product
        elif isinstance(step, Cap):
            cap = parse_money(step.amount)
            run.lower_to(cap, f"cap {cap.grouped()}", f"封顶 {cap.grouped()}")
        elif isinstance(step, Fixed):
            fixed = parse_money(step.amount)
            run.written()
            run.write(f"fixed award {fixed.grouped()}", f"固定奖励 {fixed.grouped()}", fixed)
            run.amount = fixed
        elif isinstance(step, Within):
            if step.min is not None and run.amount < parse_money(step.min):
                raise below_minimum(parse_money(step.min), name, label)
            if step.max is not None:
                high = parse_money(step.max)
                run.lower_to(high, f"at most {high.grouped()}", f"不超过 {high.grouped()}")
            run.written()
        elif isinstance(step, Remaining):
            total = parse_money(step.total)
            left = total - already_paid
            if left <= Money.ZERO:
                raise cap_reached(total, already_paid)
            paid_text, total_text = already_paid.grouped(), total.grouped()
            if already_paid:
                en = f"cap {total_text} − already paid {paid_text} = {left.grouped()}"
                zh = f"累计上限 {total_text} − 已发放 {paid_text} = {left.grouped()}"
            else:
                en, zh = f"cap {total_text}", f"累计上限 {total_text}"
            run.lower_to(left, en, zh)
        elif isinstance(step, Stages):
            run.written()
            run.amount = _stages(d, step, (chosen or {}).get(step.field, ()), taken, run)
        elif isinstance(step, Split):
            run.written()
            run.shares = _shares(step, run.amount)
            run.lines = [_share_line(step, s) for s in run.shares]
    run.written()
    zh_rule, en_rule = rule_text(d, article)
    shares = run.shares if run.shares is not None else (FunderShare("city", run.amount),)
    return Award(run.amount, run.capped, tuple(run.lines), zh_rule, en_rule, shares)


def _stages(
    d: Definition, step: Stages, chosen: tuple[str, ...], taken: frozenset[str], run: _Run
) -> Money:
    """Each chosen stage's amount, in the order the stages are listed; one paid before is
    refused (each stage is paid once)."""
    f = d.field(step.field)
    labels = {o.value: (o.label_zh, o.label_en) for o in (f.options if f else ())}
    if not chosen:
        zh, en = (f.label_zh, f.label_en) if f else (step.field, step.field)
        raise RuleViolation(
            "invalid_input",
            f"Choose at least one: {en}.",
            field=step.field,
            message_zh=f"请至少选择一项:{zh}。",
        )
    for value in chosen:
        if value in taken:
            zh, en = labels.get(value, (value, value))
            raise RuleViolation(
                "stage_already_paid",
                f"{en} has already been paid to this organization; each is paid once.",
                field=step.field,
                status=409,
                message_zh=f"该单位的{zh}奖励已发放,每项只发放一次。",
            )
    # In the field's own order: stored as jsonb, the amounts' keys come back sorted by length.
    order = {o.value: n for n, o in enumerate(f.options if f else ())}
    total = Money.ZERO
    for value in sorted(step.amounts, key=lambda v: order.get(v, len(order))):
        if value in chosen:
            amount = parse_money(step.amounts[value])
            zh, en = labels.get(value, (value, value))
            run.write(f"{en} {amount.grouped()}", f"{zh} {amount.grouped()}", amount)
            total += amount
    return total


def _shares(step: Split, amount: Money) -> tuple[FunderShare, ...]:
    """Each funder's share, truncated; the last takes what truncation left, so they add up."""
    shares, given = [], Money.ZERO
    for i, share in enumerate(step.shares):
        part = amount - given if i == len(step.shares) - 1 else amount.percent_of(share.bp)
        given += part
        shares.append(FunderShare(share.funder, part))
    return tuple(shares)


def _share_line(step: Split, share: FunderShare) -> BreakdownLine:
    bp = next(s.bp for s in step.shares if s.funder == share.funder)
    zh, en = FUNDERS[share.funder]
    rate = format_bp(bp)
    if share.funder == "province":  # paid with the province's money: no budget here holds it
        return BreakdownLine(
            f"{en.capitalize()} {rate} (provincial funds, not from the portal's budgets)",
            share.amount,
            f"{zh} {rate}(省级资金,不占本平台预算)",
        )
    return BreakdownLine(f"{en.capitalize()} {rate}", share.amount, f"{zh} {rate}")


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def article_number(zh: str) -> int | None:
    """An article's number from its Chinese numerals (一 … 九十九); None for anything else."""
    tens, _, ones = zh.rpartition("十")
    if "十" not in zh:
        return _DIGITS.get(zh) if len(zh) == 1 else None
    if len(tens) > 1 or len(ones) > 1 or any(c not in _DIGITS for c in tens + ones):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def rule_text(d: Definition, article: str = "") -> tuple[str, str]:
    """The calculation as a formula, in Chinese and English, from the steps themselves, citing
    the policy's article when given."""
    zh, en = _formula(d)
    if article:
        number = article_number(article)
        zh += f"(第{article}条)"
        en += f" (art. {number if number is not None else article})"
    return zh, en


def _formula(d: Definition) -> tuple[str, str]:
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
        elif isinstance(step, Stages):
            f = d.field(step.field)
            parts = [
                (o.label_zh, o.label_en, step.amounts.get(o.value))
                for o in (f.options if f else ())
            ]
            zh = "+".join(f"{z} {parse_money(a).grouped()}" for z, _, a in parts if a)
            en = " + ".join(f"{e} {parse_money(a).grouped()}" for _, e, a in parts if a)
        elif isinstance(step, Split):
            tail_zh += ";" + "、".join(
                f"{FUNDERS[s.funder][0]}{format_bp(s.bp)}" for s in step.shares
            )
            tail_en += "; " + ", ".join(
                f"{FUNDERS[s.funder][1]} {format_bp(s.bp)}" for s in step.shares
            )
    return zh + tail_zh, en + tail_en
