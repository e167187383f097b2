"""Who may apply, and when: the form's rules checked against facts the caller reads for it.
Each refusal has its rule code (a rule may name its own); a conflict with what already exists
is a 409. Rules of the calendar (`TIME_BOUND`) bound submission only: `at_decision` leaves them
out, as a decision made later does not undo a submission made in time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.definition.award import below_minimum, format_bp
from domain.definition.fields import Value
from domain.definition.model import (
    TIME_BOUND,
    AtMost,
    Deadline,
    Field,
    Form,
    InPolicy,
    LinkWindow,
    ListedExchange,
    Maximum,
    Minimum,
    NotCombinableWith,
    NotInFuture,
    Ordered,
    Predicate,
    RegisteredInWuhan,
    ShareAtLeast,
    SumEquals,
    WithinCall,
    WithinYears,
    YearlyWindow,
)
from domain.errors import RuleViolation
from domain.money import Money, parse_money

WHOLE_BP = 10_000


@dataclass(frozen=True, slots=True)
class Facts:
    registered_in_wuhan: bool
    today: dt.date = dt.date.min
    # The call a WithinCall rule looks at (its year's), as (opens_on, closes_on), if any.
    call: tuple[dt.date, dt.date] | None = None
    call_year: int | None = None
    # The calendar years (Asia/Shanghai) the other live applications for the same thing were
    # submitted in, for each AtMost and WithinYears rule (see `live_key`).
    live: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # The application's own year: submitted in, or today's when it is being submitted.
    year: int | None = None
    other_programs: frozenset[str] = frozenset()  # where the organization has live applications
    amounts: Mapping[str, Money] = field(default_factory=dict)
    values: Mapping[str, Value] = field(default_factory=dict)
    policy: tuple[dt.date, dt.date] = (dt.date.min, dt.date.max)  # the version's window
    linked: Mapping[str, object] = field(default_factory=dict)  # the earlier application's fields
    exchange_eligible: bool | None = None  # the ListedExchange rule's answer, when asked
    prefix: str = "fields."  # where the form's fields are on the wire


Counted = AtMost | WithinYears  # the rules that read the other live applications


def live_key(rule: Counted) -> str:
    return f"{rule.per}/{rule.among}"


def live_rules(form: Form) -> list[Counted]:
    """The rules `Facts.live` must read the years for (once each, by `live_key`)."""
    seen: dict[str, Counted] = {}
    for r in form.eligibility:
        if isinstance(r, Counted):
            seen.setdefault(live_key(r), r)
    return list(seen.values())


def _year(facts: Facts) -> int:
    return facts.year if facts.year is not None else facts.today.year


def _label(form: Form, name: str) -> tuple[str, str]:
    f = form.field(name)
    return (f.label_zh, f.label_en) if f else (name, name)


def _date(facts: Facts, name: str) -> dt.date | None:
    value = facts.values.get(name)
    return value if isinstance(value, dt.date) else None


def _reference(form: Form) -> Field | None:
    return next((f for f in form.fields if f.kind == "reference"), None)


def violations(form: Form, facts: Facts) -> list[RuleViolation]:
    out: list[RuleViolation] = []
    for rule in form.eligibility:
        out += _check(form, rule, facts)
    return out


VALUE_RULES = (Minimum, Maximum, ShareAtLeast, ListedExchange)


def on_values(form: Form, facts: Facts) -> list[RuleViolation]:
    """The rules the amounts and codes alone decide (what a calculator can say)."""
    out: list[RuleViolation] = []
    for rule in form.eligibility:
        if isinstance(rule, VALUE_RULES):
            out += _check(form, rule, facts)
    return out


def at_decision(form: Form, facts: Facts) -> list[RuleViolation]:
    """The rules again at a reviewer's decision, less those of the calendar."""
    out: list[RuleViolation] = []
    for rule in form.eligibility:
        if not isinstance(rule, TIME_BOUND):
            out += _check(form, rule, facts)
    return out


def _check(form: Form, rule: Predicate, facts: Facts) -> list[RuleViolation]:
    p = facts.prefix
    if isinstance(rule, RegisteredInWuhan) and not facts.registered_in_wuhan:
        return [
            RuleViolation(
                "not_registered_in_wuhan",
                "Only organizations registered in Wuhan (a USCC with division 4201xx) apply.",
                message_zh="仅限在武汉市注册的单位申报(统一社会信用代码行政区划为4201xx)。",
            )
        ]
    if isinstance(rule, WithinCall):
        call = facts.call
        if call is not None and call[0] <= facts.today <= call[1]:
            return []
        year = facts.call_year or facts.today.year
        return [
            RuleViolation(
                "call_closed",
                f"The {year} call is closed"
                + (f" ({call[0]} to {call[1]})." if call else " (not opened)."),
                field=f"{p}{rule.year_field}" if rule.year_field else None,
                message_zh=f"{year} 年度申报"
                + (f"时间为 {call[0]} 至 {call[1]}。" if call else "尚未开放。"),
            )
        ]
    if isinstance(rule, AtMost):
        return _at_most(form, rule, facts)
    if isinstance(rule, WithinYears):
        return _within_years(form, rule, facts)
    if isinstance(rule, NotCombinableWith):
        both = facts.other_programs & set(rule.programs)
        if not both:
            return []
        names = ", ".join(sorted(both))
        return [
            RuleViolation(
                "program_exclusive",
                f"Not combinable with {names}, where the organization has an application.",
                message_zh=f"不能与 {names} 重复享受,本单位已有该项目申报。",
                status=409,
            )
        ]
    if isinstance(rule, Minimum | Maximum):
        return _bound(form, rule, facts)
    if isinstance(rule, Deadline):
        day = _date(facts, rule.field)
        if day is None:
            return []
        latest = day - dt.timedelta(days=rule.days)
        if facts.today <= latest:
            return []
        zh, en = _label(form, rule.field)
        return [
            RuleViolation(
                rule.code,
                f"{en} {day}: submit by {latest} ({rule.days} days before).",
                field=f"{p}{rule.field}",
                message_zh=f"{zh}为 {day},须在 {latest} 前提交(提前{rule.days}天)。",
            )
        ]
    if isinstance(rule, InPolicy):
        day = _date(facts, rule.field)
        start, end = facts.policy
        if day is None or start <= day <= end:
            return []
        zh, en = _label(form, rule.field)
        return [
            RuleViolation(
                rule.code,
                f"{en} must fall while the policy is in effect ({start} to {end}).",
                field=f"{p}{rule.field}",
                message_zh=f"{zh}须在政策有效期内({start} 至 {end})。",
            )
        ]
    if isinstance(rule, Ordered):
        first, then = _date(facts, rule.first), _date(facts, rule.then)
        if first is None or then is None or then >= first:
            return []
        (then_zh, then_en), (first_zh, first_en) = _label(form, rule.then), _label(form, rule.first)
        return [
            RuleViolation(
                "invalid_input",
                f"{then_en} cannot be before {first_en}.",
                field=f"{p}{rule.then}",
                message_zh=f"{then_zh}不能早于{first_zh}。",
            )
        ]
    if isinstance(rule, NotInFuture):
        return _not_in_future(form, rule, facts)
    if isinstance(rule, SumEquals):
        total, lines = facts.amounts.get(rule.field), facts.amounts.get(rule.lines)
        if total is None or lines is None or total == lines:
            return []
        return [
            RuleViolation(
                rule.code,
                f"The lines add up to {lines}, not the total {total}.",
                field=f"{p}{rule.field}",
                message_zh=f"明细合计 {lines} 与总额 {total} 不一致。",
            )
        ]
    if isinstance(rule, ShareAtLeast):
        return _share(form, rule, facts)
    if isinstance(rule, ListedExchange):
        if facts.exchange_eligible is not False:
            return []
        return [
            RuleViolation(
                rule.code,
                "The exchange is not an eligible exchange on the listing date.",
                field=f"{p}{rule.field}",
                message_zh="该交易所不属于可享受奖励的交易所。",
            )
        ]
    if isinstance(rule, YearlyWindow):
        month, day_of = int(rule.closes[:2]), int(rule.closes[3:])
        closes = dt.date(facts.today.year, month, min(day_of, 28 if month == 2 else day_of))
        after = _date(facts, rule.after) if rule.after else None
        if facts.today <= closes and (after is None or after <= facts.today):
            return []
        return [
            RuleViolation(
                rule.code,
                f"Applied for from 1 January to {rule.closes} each year"
                + (", after the date it follows." if rule.after else "."),
                message_zh=f"每年1月1日至{month}月{day_of}日受理"
                + (",且须在该日期之后。" if rule.after else "。"),
            )
        ]
    if isinstance(rule, LinkWindow):
        raw = facts.linked.get(rule.field)
        if not isinstance(raw, str):
            return []
        base = dt.date.fromisoformat(raw)
        first = base + dt.timedelta(days=rule.from_days)
        last = base + dt.timedelta(days=rule.to_days)
        if first <= facts.today <= last:
            return []
        ref = _reference(form)
        return [
            RuleViolation(
                rule.code,
                f"Accepted from {first} to {last}.",
                field=f"{p}{ref.name}" if ref else None,
                message_zh=f"受理时间为 {first} 至 {last}。",
            )
        ]
    return []


def _thing(form: Form, rule: Counted) -> tuple[Field | None, str, str]:
    """The field the rule counts per (none: the organization), and "for one X" in zh and en."""
    f = form.field(rule.per)
    if f is None:
        return None, "每个单位", "per organization"
    return f, f"同一{f.label_zh}", f"for one {f.label_en}"


def _at_most(form: Form, rule: AtMost, facts: Facts) -> list[RuleViolation]:
    year = _year(facts)
    years = facts.live.get(live_key(rule), ())
    since = year - rule.years + 1 if rule.years is not None else None
    n = sum(1 for y in years if since is None or since <= y <= year)
    if n < rule.times:
        return []
    f, what_zh, what_en = _thing(form, rule)
    if since is None:
        en = f"At most {rule.times} application(s) {what_en}."
        zh = f"{what_zh}最多申报 {rule.times} 次。"
    elif since == year:
        en = f"At most {rule.times} application(s) {what_en} a calendar year; {year} has {n}."
        zh = f"{what_zh}每个自然年度最多申报 {rule.times} 次,{year} 年度已申报 {n} 次。"
    else:
        en = (
            f"At most {rule.times} application(s) {what_en} within {rule.years} calendar years;"
            f" {since}–{year} has {n}."
        )
        zh = (
            f"{what_zh}在连续 {rule.years} 个自然年度内最多申报 {rule.times} 次,"
            f"{since}—{year} 年度已申报 {n} 次。"
        )
    place = None if f is None else f"{facts.prefix}{f.name}"
    return [RuleViolation(rule.code, en, field=place, message_zh=zh, status=409)]


def _within_years(form: Form, rule: WithinYears, facts: Facts) -> list[RuleViolation]:
    year = _year(facts)
    first = min((*facts.live.get(live_key(rule), ()), year))
    last = first + rule.years - 1
    if year <= last:
        return []
    f, what_zh, what_en = _thing(form, rule)
    return [
        RuleViolation(
            rule.code,
            f"Applications {what_en} fall within {rule.years} consecutive calendar years from"
            f" the first, in {first}: the last year was {last}.",
            field=None if f is None else f"{facts.prefix}{f.name}",
            message_zh=f"{what_zh}须在首次申报年度({first} 年)起连续 {rule.years} 个自然年度内"
            f"申报,最后年度为 {last} 年。",
            status=409,
        )
    ]


def _bound(form: Form, rule: Minimum | Maximum, facts: Facts) -> list[RuleViolation]:
    value = facts.amounts.get(rule.field)
    if value is None:
        return []  # a missing required field is said by the form
    bound = parse_money(rule.amount)
    label = _label(form, rule.field)
    if isinstance(rule, Minimum) and value < bound:
        return [below_minimum(bound, f"{facts.prefix}{rule.field}", label)]
    if isinstance(rule, Maximum) and value > bound:
        return [
            RuleViolation(
                "above_maximum",
                f"{label[1]} must be at most {bound.grouped()} yuan.",
                field=f"{facts.prefix}{rule.field}",
                message_zh=f"{label[0]}不得超过 {bound.grouped()} 元。",
            )
        ]
    return []


def _not_in_future(form: Form, rule: NotInFuture, facts: Facts) -> list[RuleViolation]:
    value = facts.values.get(rule.field)
    dated: list[tuple[str, dt.date]] = list(value.items()) if isinstance(value, dict) else []
    if isinstance(value, dt.date):
        dated = [("", value)]
    out = []
    for key, day in sorted(dated):
        if day > facts.today:
            place = f"{facts.prefix}{rule.field}" + (f".{key}" if key else "")
            zh, en = _label(form, rule.field)
            out.append(
                RuleViolation(
                    "invalid_input",
                    f"{en}{f' ({key})' if key else ''} is in the future.",
                    field=place,
                    message_zh=f"{zh}{f'({key})' if key else ''}晚于今天。",
                )
            )
    return out


def _share(form: Form, rule: ShareAtLeast, facts: Facts) -> list[RuleViolation]:
    part, whole = facts.amounts.get(rule.part), facts.amounts.get(rule.whole)
    if part is None or whole is None:
        return []
    p = facts.prefix
    (part_zh, part_en), (whole_zh, whole_en) = _label(form, rule.part), _label(form, rule.whole)
    if not whole:
        return [
            RuleViolation(
                "invalid_input",
                f"{whole_en} must be more than zero.",
                field=f"{p}{rule.whole}",
                message_zh=f"{whole_zh}必须大于零。",
            )
        ]
    if part > whole:
        return [
            RuleViolation(
                "invalid_input",
                f"{part_en} cannot exceed {whole_en}.",
                field=f"{p}{rule.part}",
                message_zh=f"{part_zh}不能超过{whole_zh}。",
            )
        ]
    # Cross-multiplied so the threshold is exact: no division, no rounding.
    if part.fen * WHOLE_BP >= whole.fen * rule.bp:
        return []
    hundredths = part.fen * WHOLE_BP // whole.fen  # truncated: never shown as meeting it
    share = f"{hundredths // 100}.{hundredths % 100:02d}%"
    need = format_bp(rule.bp)
    return [
        RuleViolation(
            rule.code,
            f"{part_en} is {share} of {whole_en}; at least {need} is required.",
            field=f"{p}{rule.part}",
            message_zh=f"{part_zh}占{whole_zh}的比例为{share},须不低于{need}。",
        )
    ]
