"""A definition said in words for the policy officer who edits it: where a problem is
(`award[2].amount` is "step 3 of the award (cap): amount") and what each rule checks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from domain.definition.award import format_bp
from domain.definition.model import (
    AtMost,
    Deadline,
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
from domain.money import parse_money

SECTIONS: dict[str, tuple[str, str]] = {
    "fields": ("表单字段", "Form field"),
    "award": ("计算规则", "Award step"),
    "documents": ("材料清单", "Document"),
    "eligibility": ("申报条件", "Eligibility rule"),
    "estimate_inputs": ("测算输入", "Calculator input"),
    "title_field": ("名称字段", "Title field"),
    "workflow": ("流程选项", "Workflow"),
    "prior": ("事前申请", "Earlier application"),
    "title": ("名称模板", "Title"),
    "effective_from": ("生效日期", "Effective from"),
    "effective_to": ("失效日期", "Effective to"),
}
ATTRIBUTES: dict[str, tuple[str, str]] = {
    "name": ("字段名", "name"),
    "kind": ("类型", "kind"),
    "label_zh": ("中文名称", "Chinese label"),
    "label_en": ("英文名称", "English label"),
    "required": ("是否必填", "required"),
    "options": ("选项", "options"),
    "value": ("选项值", "value"),
    "min": ("下限", "minimum"),
    "max": ("上限", "maximum"),
    "min_amount": ("最低金额", "least amount"),
    "max_amount": ("最高金额", "greatest amount"),
    "op": ("计算方式", "operation"),
    "field": ("引用字段", "field used"),
    "bp": ("比例(万分之)", "rate (basis points)"),
    "amount": ("金额", "amount"),
    "total": ("累计上限", "total"),
    "shares": ("分担比例", "shares"),
    "funder": ("出资方", "funder"),
    "rule": ("条件类型", "rule"),
    "times": ("次数", "times"),
    "years": ("自然年度数", "calendar years"),
    "per": ("计数对象", "counted per"),
    "programs": ("不可兼得的项目", "exclusive programs"),
    "experts": ("评审专家数", "experts"),
    "pattern": ("格式", "pattern"),
    "refused_code": ("不符时的规则代码", "code when refused"),
    "of": ("关联字段", "field it belongs to"),
    "days": ("天数", "days"),
    "code": ("规则代码", "rule code"),
    "amounts": ("各阶段金额", "amounts per stage"),
    "publicity": ("是否公示", "publicity"),
    "proposal": ("免申即享", "proposal by staff"),
    "yearly_call": ("年度申报", "yearly call"),
}
OPS: dict[str, tuple[str, str]] = {
    "input": ("取值", "input"),
    "rate": ("按比例", "rate"),
    "cap": ("封顶", "cap"),
    "fixed": ("定额", "fixed amount"),
    "within": ("申请额范围", "amount asked, within bounds"),
    "remaining": ("累计上限", "what is left of a total"),
    "split": ("分级承担", "split between funders"),
    "stages": ("分阶段定额", "amount per stage"),
}
_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _pick(pair: tuple[str, str], zh: bool) -> str:
    return pair[0] if zh else pair[1]


def place(path: str, document: Mapping[str, Any] | None, zh: bool) -> str:
    """`fields[2].options` as "表单字段 第 3 项(研发成本)· 选项"; the path itself when it is
    not one of the definition's places."""
    parts = [_PART.fullmatch(p) for p in path.removeprefix("params.").split(".")]
    if not parts or parts[0] is None or parts[0].group(1) not in SECTIONS:
        return path
    section, index = parts[0].group(1), parts[0].group(2)
    out = _pick(SECTIONS[section], zh)
    if index is not None:
        i = int(index)
        out += f" 第 {i + 1} 项" if zh else f" {i + 1}"
        item = _item(document, section, i)
        named = _named(section, item, zh)
        if named:
            out += f"({named})" if zh else f" ({named})"
    for m in parts[1:]:
        if m is None:
            return out
        words = _pick(ATTRIBUTES[m.group(1)], zh) if m.group(1) in ATTRIBUTES else m.group(1)
        if m.group(2) is not None:
            words += f" 第 {int(m.group(2)) + 1} 项" if zh else f" {int(m.group(2)) + 1}"
        out += f" · {words}"
    return out


def _item(document: Mapping[str, Any] | None, section: str, i: int) -> Any:
    items = document.get(section) if isinstance(document, Mapping) else None
    if isinstance(items, Sequence) and not isinstance(items, str) and 0 <= i < len(items):
        return items[i]
    return None


def _named(section: str, item: Any, zh: bool) -> str:
    if not isinstance(item, Mapping):
        return ""
    if section == "award" and item.get("op") in OPS:
        return _pick(OPS[item["op"]], zh)
    label = item.get("label_zh" if zh else "label_en")
    return str(label) if isinstance(label, str) else ""


def _label(form: Form, name: str, zh: bool) -> str:
    f = form.field(name)
    return (f.label_zh if zh else f.label_en) if f else name


def eligibility(rule: Predicate, d: Form, zh: bool) -> str:
    """What the rule checks, as the applicant's guide would say it."""
    if isinstance(rule, RegisteredInWuhan):
        return "注册地在武汉市" if zh else "Registered in Wuhan"
    if isinstance(rule, WithinCall):
        return "在年度申报期内提交" if zh else "Submitted while the yearly call is open"
    if isinstance(rule, AtMost | WithinYears):
        f = d.field(rule.per) if rule.per != "organization" else None
        per_zh = f"每个{f.label_zh}" if f else "每家单位"
        per_en = f"per {f.label_en}" if f else "per organization"
        n = rule.years
        if isinstance(rule, WithinYears):
            if zh:
                return f"{per_zh}自首次申报起连续 {n} 个自然年度内"
            per_en = per_en[0].upper() + per_en[1:]
            return f"{per_en}: within {n} consecutive calendar years of the first"
        times_zh, times_en = f"至多 {rule.times} 次", f"At most {rule.times} {per_en}"
        if n is None:
            return f"{per_zh}{times_zh}" if zh else times_en
        if n == 1:
            return f"{per_zh}每年{times_zh}" if zh else f"{times_en} a calendar year"
        if zh:
            return f"{per_zh}任意连续 {n} 个自然年度内{times_zh}"
        return f"{times_en} in any {n} calendar years"
    if isinstance(rule, NotCombinableWith):
        codes = "、".join(rule.programs) if zh else ", ".join(rule.programs)
        return f"不与 {codes} 重复享受" if zh else f"Not combined with {codes}"
    if isinstance(rule, Minimum | Maximum):
        label = _label(d, rule.field, zh)
        amount = parse_money(rule.amount).grouped()
        if isinstance(rule, Minimum):
            return f"{label}不低于 {amount} 元" if zh else f"{label}: at least {amount} yuan"
        return f"{label}不超过 {amount} 元" if zh else f"{label}: at most {amount} yuan"
    if isinstance(rule, Deadline):
        label = _label(d, rule.field, zh)
        return f"{label}前至少 {rule.days} 天提交" if zh else f"{rule.days} days before {label}"
    if isinstance(rule, InPolicy):
        label = _label(d, rule.field, zh)
        return f"{label}在政策有效期内" if zh else f"{label} while the policy is in effect"
    if isinstance(rule, Ordered):
        first, then = _label(d, rule.first, zh), _label(d, rule.then, zh)
        return f"{then}不早于{first}" if zh else f"{then} not before {first}"
    if isinstance(rule, NotInFuture):
        label = _label(d, rule.field, zh)
        return f"{label}不晚于提交日" if zh else f"{label} not after submission"
    if isinstance(rule, SumEquals):
        field, lines = _label(d, rule.field, zh), _label(d, rule.lines, zh)
        return f"{lines}合计等于{field}" if zh else f"{lines} add up to {field}"
    if isinstance(rule, ShareAtLeast):
        part, whole = _label(d, rule.part, zh), _label(d, rule.whole, zh)
        rate = format_bp(rule.bp)
        return f"{part}不低于{whole}的{rate}" if zh else f"{part} at least {rate} of {whole}"
    if isinstance(rule, ListedExchange):
        return "在可享受奖励的交易所上市" if zh else "Listed on an eligible exchange"
    if isinstance(rule, YearlyWindow):
        m, day = int(rule.closes[:2]), int(rule.closes[3:])
        return f"每年1月1日至{m}月{day}日受理" if zh else f"1 January to {rule.closes} each year"
    assert isinstance(rule, LinkWindow)
    label = _label(d, rule.field, zh)
    window = f"{rule.from_days}–{rule.to_days}"
    return f"{label}后 {window} 天内提交" if zh else f"{window} days after {label}"
