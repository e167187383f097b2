"""Who may apply: the definition's rules checked against facts the caller reads for it. Each
refusal has its rule code; a conflict with what already exists is a 409."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.definition.award import below_minimum
from domain.definition.model import (
    AtMost,
    Definition,
    Maximum,
    Minimum,
    NotCombinableWith,
    RegisteredInWuhan,
    WithinCall,
)
from domain.errors import RuleViolation
from domain.money import Money, parse_money


@dataclass(frozen=True, slots=True)
class Facts:
    registered_in_wuhan: bool
    call_open: bool = True  # this year's call of the program is open today
    # Other live applications of the program: the organization's ("organization"), and, by
    # field name, those naming the same thing as this one.
    live: Mapping[str, int] = field(default_factory=dict)
    other_programs: frozenset[str] = frozenset()  # where the organization has live applications
    amounts: Mapping[str, Money] = field(default_factory=dict)


def keys(d: Definition) -> list[str]:
    """What `Facts.live` must count for `d`: "organization" and the fields rules count per."""
    return sorted({r.per for r in d.eligibility if isinstance(r, AtMost)})


def violations(d: Definition, facts: Facts) -> list[RuleViolation]:
    out: list[RuleViolation] = []
    for rule in d.eligibility:
        if isinstance(rule, RegisteredInWuhan) and not facts.registered_in_wuhan:
            out.append(
                RuleViolation(
                    "not_registered_in_wuhan",
                    "Only organizations registered in Wuhan (a USCC with division 4201xx) apply.",
                    message_zh="仅限在武汉市注册的单位申报(统一社会信用代码行政区划为4201xx)。",
                )
            )
        elif isinstance(rule, WithinCall) and not facts.call_open:
            out.append(
                RuleViolation(
                    "call_closed",
                    "This year's call for the program is not open.",
                    message_zh="本年度申报批次未开放。",
                )
            )
        elif isinstance(rule, AtMost) and facts.live.get(rule.per, 0) >= rule.times:
            f = d.field(rule.per)
            what_en = "per organization" if f is None else f"for one {f.label_en}"
            what_zh = "每个单位" if f is None else f"同一{f.label_zh}"
            out.append(
                RuleViolation(
                    "limit_reached",
                    f"At most {rule.times} application(s) {what_en}.",
                    field=None if f is None else f"fields.{f.name}",
                    message_zh=f"{what_zh}最多申报 {rule.times} 次。",
                    status=409,
                )
            )
        elif isinstance(rule, NotCombinableWith) and facts.other_programs & set(rule.programs):
            names = ", ".join(sorted(facts.other_programs & set(rule.programs)))
            out.append(
                RuleViolation(
                    "program_exclusive",
                    f"Not combinable with {names}, where the organization has an application.",
                    message_zh=f"不能与 {names} 重复享受,本单位已有该项目申报。",
                    status=409,
                )
            )
        elif isinstance(rule, Minimum | Maximum):
            value = facts.amounts.get(rule.field)
            bound = parse_money(rule.amount)
            f = d.field(rule.field)
            label = (f.label_zh, f.label_en) if f else (rule.field, rule.field)
            if value is None:
                continue  # a missing required field is said by the form
            if isinstance(rule, Minimum) and value < bound:
                v = below_minimum(bound, f"fields.{rule.field}", label)
                out.append(v)
            elif isinstance(rule, Maximum) and value > bound:
                out.append(
                    RuleViolation(
                        "above_maximum",
                        f"{label[1]} must be at most {bound.grouped()} yuan.",
                        field=f"fields.{rule.field}",
                        message_zh=f"{label[0]}不得超过 {bound.grouped()} 元。",
                    )
                )
    return out
