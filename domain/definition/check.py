"""Is a program definition sound? Every problem is named by its place in the document
(`award[2].amount`) and said as a policy officer would understand it, in both languages."""

from __future__ import annotations

from collections import Counter

import msgspec

from domain.definition.model import (
    ALREADY_PAID,
    Cap,
    Definition,
    Field,
    Fixed,
    Input,
    Maximum,
    Minimum,
    Rate,
    Remaining,
    Split,
    Step,
    Within,
    WithinCall,
)
from domain.errors import RuleViolation
from domain.money import Money, parse_money

WHOLE_BP = 10_000


def _problem(place: str, en: str, zh: str) -> RuleViolation:
    return RuleViolation("invalid_definition", en, field=place, message_zh=zh)


def decode(document: object) -> tuple[Definition | None, list[RuleViolation]]:
    """The document as a Definition, or where its shape is wrong (an unknown kind, a missing
    label, a number where text belongs)."""
    try:
        return msgspec.convert(document, Definition), []
    except msgspec.ValidationError as exc:
        text = str(exc)
        place = text.rsplit("`$.", 1)[-1].rstrip("`") if "`$." in text else "definition"
        message = text.split(" - at `", 1)[0]
        return None, [
            _problem(
                place,
                f"{place}: {message}.",
                f"{place}:格式不符合要求({message})。",
            )
        ]


def _amount(place: str, text: str | None, problems: list[RuleViolation]) -> Money | None:
    if text is None:
        return None
    try:
        return parse_money(text, place)
    except RuleViolation:
        problems.append(
            _problem(
                place,
                f'{place} must be an amount of yuan, zero or more, such as "300000.00".',
                f'{place} 须为不小于零的金额(元),例如 "300000.00"。',
            )
        )
        return None


def _check_field(i: int, f: Field, problems: list[RuleViolation]) -> None:
    at = f"fields[{i}]"
    if f.kind in ("choice", "lines") and not f.options:
        what_en = "its choices" if f.kind == "choice" else "its categories"
        what_zh = "可选项" if f.kind == "choice" else "明细类别"
        problems.append(
            _problem(
                f"{at}.options",
                f"Field {f.name!r} needs {what_en}.",
                f"字段“{f.label_zh}”须列出{what_zh}。",
            )
        )
    values = Counter(o.value for o in f.options)
    for value, n in values.items():
        if n > 1:
            problems.append(
                _problem(
                    f"{at}.options",
                    f"Field {f.name!r} lists {value!r} twice.",
                    f"字段“{f.label_zh}”的选项 {value} 重复。",
                )
            )
    if (f.min is not None or f.max is not None) and f.kind not in ("text", "long_text", "integer"):
        problems.append(
            _problem(
                f"{at}.min",
                f"min and max bound a text's length or an integer; field {f.name!r} is {f.kind}.",
                f"min/max 只用于文本长度或整数取值,字段“{f.label_zh}”不适用。",
            )
        )
    if f.min is not None and f.max is not None and f.min > f.max:
        problems.append(
            _problem(
                f"{at}.max",
                f"Field {f.name!r}: max is below min.",
                f"字段“{f.label_zh}”的最大值小于最小值。",
            )
        )
    if (f.min_amount or f.max_amount) and f.kind != "money":
        problems.append(
            _problem(
                f"{at}.min_amount",
                f"min_amount and max_amount bound a money field; {f.name!r} is {f.kind}.",
                f"金额上下限只用于金额字段,字段“{f.label_zh}”不适用。",
            )
        )
    low = _amount(f"{at}.min_amount", f.min_amount, problems)
    high = _amount(f"{at}.max_amount", f.max_amount, problems)
    if low is not None and high is not None and low > high:
        problems.append(
            _problem(
                f"{at}.max_amount",
                f"Field {f.name!r}: max_amount is below min_amount.",
                f"字段“{f.label_zh}”的金额上限低于下限。",
            )
        )


def _names_a(
    d: Definition,
    place: str,
    name: str,
    kinds: frozenset[str],
    what: str,
    problems: list[RuleViolation],
) -> None:
    f = d.field(name)
    if f is None:
        problems.append(
            _problem(
                place,
                f"{place} names a field {name!r} that the form does not have.",
                f"{place} 引用了表单中不存在的字段“{name}”。",
            )
        )
    elif f.kind not in kinds:
        problems.append(
            _problem(
                place,
                f"{place}: field {name!r} is {f.kind}; {what} is needed here.",
                f"{place}:字段“{f.label_zh}”的类型不适用于此处。",
            )
        )


_AMOUNTS = frozenset({"money", "lines"})
_NAMING = frozenset({"text", "choice"})
_ESTIMABLE = frozenset({"money", "integer", "lines"})


def _check_steps(d: Definition, problems: list[RuleViolation]) -> None:
    steps: tuple[Step, ...] = d.award
    if not isinstance(steps[0], Input | Fixed):
        problems.append(
            _problem(
                "award[0]",
                "The award must start from an amount: an input field or a fixed amount.",
                "奖补计算须从一个金额开始:取某个字段的值,或定额。",
            )
        )
    for i, step in enumerate(steps):
        at = f"award[{i}]"
        if isinstance(step, Input):
            _names_a(d, f"{at}.field", step.field, _AMOUNTS, "an amount", problems)
        elif isinstance(step, Rate) and not 0 <= step.bp <= WHOLE_BP:
            problems.append(
                _problem(
                    f"{at}.bp",
                    f"Step {i + 1} (rate): {step.bp} basis points is not a rate from 0 to 100 %.",
                    f"第{i + 1}步(比例):{step.bp} 个基点不在 0 至 100% 之间。",
                )
            )
        elif isinstance(step, Cap | Fixed | Remaining):
            name = "total" if isinstance(step, Remaining) else "amount"
            _amount(f"{at}.{name}", getattr(step, name), problems)
        elif isinstance(step, Within):
            low = _amount(f"{at}.min", step.min, problems)
            high = _amount(f"{at}.max", step.max, problems)
            if low is not None and high is not None and low > high:
                problems.append(
                    _problem(
                        f"{at}.max",
                        f"Step {i + 1} (amount asked for): the maximum is below the minimum.",
                        f"第{i + 1}步(申请额度):上限低于下限。",
                    )
                )
        elif isinstance(step, Split):
            if i != len(steps) - 1:
                problems.append(
                    _problem(
                        at,
                        "Who pays (split) comes last, once the award is known.",
                        "分担须为最后一步,在奖补金额算出之后。",
                    )
                )
            if sum(s.bp for s in step.shares) != WHOLE_BP or any(s.bp <= 0 for s in step.shares):
                problems.append(
                    _problem(
                        f"{at}.shares",
                        "The shares must each be above 0 and add up to 100 % (10000).",
                        "各方分担比例须大于零,合计为 100%(10000 个基点)。",
                    )
                )
            if len({s.funder for s in step.shares}) != len(step.shares):
                problems.append(
                    _problem(f"{at}.shares", "A funder is named twice.", "出资方重复。")
                )


def check(d: Definition) -> list[RuleViolation]:
    """Every problem with a decoded definition; empty when it is sound."""
    problems: list[RuleViolation] = []
    names = Counter(f.name for f in d.fields)
    for name, n in names.items():
        if n > 1:
            problems.append(
                _problem("fields", f"Two fields are named {name!r}.", f"字段名“{name}”重复。")
            )
    if sum(1 for f in d.fields if f.kind == "lines") > 1:
        problems.append(
            _problem("fields", "A form has at most one lines field.", "一个表单最多一个明细字段。")
        )
    for i, f in enumerate(d.fields):
        _check_field(i, f, problems)
    kinds = Counter(doc.kind for doc in d.documents)
    for kind, n in kinds.items():
        if n > 1:
            problems.append(
                _problem("documents", f"Document {kind!r} is listed twice.", f"材料“{kind}”重复。")
            )
    _check_steps(d, problems)
    for i, rule in enumerate(d.eligibility):
        at = f"eligibility[{i}]"
        if isinstance(rule, Minimum | Maximum):
            _names_a(d, f"{at}.field", rule.field, _AMOUNTS, "an amount", problems)
            _amount(f"{at}.amount", rule.amount, problems)
        elif hasattr(rule, "per") and rule.per != "organization":
            _names_a(d, f"{at}.per", rule.per, _NAMING, "a name or a choice", problems)
    reads = {s.field for s in d.award if isinstance(s, Input)}
    has_remaining = any(isinstance(s, Remaining) for s in d.award)
    for i, name in enumerate(d.estimate_inputs):
        if name == ALREADY_PAID and has_remaining:
            continue
        _names_a(d, f"estimate_inputs[{i}]", name, _ESTIMABLE, "an amount or a number", problems)
    for name in sorted(reads - set(d.estimate_inputs)):
        problems.append(
            _problem(
                "estimate_inputs",
                f"The award reads {name!r}: the calculator must ask for it (estimate_inputs).",
                f"奖补计算用到“{name}”,测算器须包含该输入项(estimate_inputs)。",
            )
        )
    if d.title_field is not None:
        _names_a(d, "title_field", d.title_field, frozenset({"text"}), "a text", problems)
    has_call = any(isinstance(r, WithinCall) for r in d.eligibility)
    if d.workflow.yearly_call != has_call:
        problems.append(
            _problem(
                "workflow.yearly_call",
                "A yearly call and the rule within_call go together.",
                "年度申报批次(yearly_call)须与 within_call 规则同时设置。",
            )
        )
    return problems


def validated(document: object) -> Definition:
    """The definition, or one RuleViolation whose `problems` attribute lists every problem."""
    definition, problems = decode(document)
    if definition is not None:
        problems = check(definition)
    if problems or definition is None:
        raise DefinitionProblems(problems)
    return definition


class DefinitionProblems(Exception):
    """A definition is not sound; `problems` says where and why."""

    def __init__(self, problems: list[RuleViolation]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
