"""Is a program definition sound? Every problem is named by its place in the document
(`award[2].amount`, `prior.fields[3].pattern`) and said as a policy officer would understand
it, in both languages."""

from __future__ import annotations

import re
from collections import Counter

import msgspec

from domain.definition.model import (
    ALREADY_PAID,
    AtMost,
    Cap,
    Deadline,
    Definition,
    EstimateInput,
    Field,
    Fixed,
    Form,
    InPolicy,
    Input,
    LinkWindow,
    ListedExchange,
    Maximum,
    Minimum,
    NotInFuture,
    Ordered,
    Predicate,
    Rate,
    Remaining,
    ShareAtLeast,
    Split,
    Stages,
    Step,
    SumEquals,
    Within,
    WithinCall,
    WithinYears,
    YearlyWindow,
)
from domain.errors import RuleViolation
from domain.money import Money, parse_money

WHOLE_BP = 10_000
MAX_YEARS = 100
RESERVED = frozenset({"type", "fields", "documents", "payee", "program_code", "approved_fields"})
_PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")


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


def _only(
    f: Field, at: str, attribute: str, kinds: tuple[str, ...], problems: list[RuleViolation]
) -> None:
    if f.kind not in kinds:
        problems.append(
            _problem(
                f"{at}.{attribute}",
                f"{attribute} applies to fields of kind {' or '.join(kinds)}, not {f.kind}.",
                f"{attribute} 只用于 {'、'.join(kinds)} 类型的字段,字段“{f.label_zh}”不适用。",
            )
        )


def _check_field(at: str, f: Field, problems: list[RuleViolation]) -> None:
    if f.name in RESERVED:
        problems.append(
            _problem(f"{at}.name", f"{f.name!r} is a reserved name.", f"字段名“{f.name}”为保留名。")
        )
    if f.kind in ("choice", "choices", "lines") and not f.options:
        what_en = "its categories" if f.kind == "lines" else "its choices"
        what_zh = "明细类别" if f.kind == "lines" else "可选项"
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
    if f.min is not None or f.max is not None:
        _only(f, at, "min", ("text", "long_text", "integer", "text_list"), problems)
    if f.min is not None and f.max is not None and f.min > f.max:
        problems.append(
            _problem(
                f"{at}.max",
                f"Field {f.name!r}: max is below min.",
                f"字段“{f.label_zh}”的最大值小于最小值。",
            )
        )
    if f.min_amount or f.max_amount:
        _only(f, at, "min_amount", ("money",), problems)
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
    if f.pattern is not None:
        _only(f, at, "pattern", ("text", "text_list", "choice"), problems)
        try:
            re.compile(f.pattern)
        except re.error:
            problems.append(
                _problem(
                    f"{at}.pattern",
                    f"Field {f.name!r}: the pattern is not a valid regular expression.",
                    f"字段“{f.label_zh}”的格式(pattern)不是有效的正则表达式。",
                )
            )
    if f.refused_code is not None:
        _only(f, at, "refused_code", ("choice", "reference"), problems)
        if f.kind == "choice" and f.pattern is None:
            problems.append(
                _problem(
                    f"{at}.pattern",
                    f"Field {f.name!r}: a choice that keeps other values needs their pattern.",
                    f"字段“{f.label_zh}”允许暂存其他取值时须给出格式(pattern)。",
                )
            )
    if f.invoices or f.line_kind != "expense":
        _only(f, at, "invoices", ("lines",), problems)
    if f.kind in ("dates", "reference") and f.of is None:
        problems.append(
            _problem(
                f"{at}.of",
                f"Field {f.name!r} must say what it belongs to (of).",
                f"字段“{f.label_zh}”须指明所属(of)。",
            )
        )


def _names_a(
    form: Form,
    place: str,
    name: str,
    kinds: frozenset[str],
    what: str,
    problems: list[RuleViolation],
) -> None:
    f = form.field(name)
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
_MONEY = frozenset({"money"})
_LINES = frozenset({"lines"})
_NAMING = frozenset({"text", "choice", "reference"})
_DATES = frozenset({"date"})
_DATED = frozenset({"date", "dates"})
_ESTIMABLE = frozenset({"money", "integer", "lines", "choices", "choice", "text"})


def _check_form(form: Form, at: str, problems: list[RuleViolation]) -> None:
    """What a claim's form and a prior's have in common: fields, documents, rules."""
    names = Counter(f.name for f in form.fields)
    for name, n in names.items():
        if n > 1:
            problems.append(
                _problem(f"{at}fields", f"Two fields are named {name!r}.", f"字段名“{name}”重复。")
            )
    if sum(1 for f in form.fields if f.kind == "lines") > 1:
        problems.append(
            _problem(
                f"{at}fields", "A form has at most one lines field.", "一个表单最多一个明细字段。"
            )
        )
    for i, f in enumerate(form.fields):
        _check_field(f"{at}fields[{i}]", f, problems)
        if f.kind == "dates" and f.of is not None:
            _names_a(
                form,
                f"{at}fields[{i}].of",
                f.of,
                frozenset({"choices"}),
                "a choices field",
                problems,
            )
    kinds = Counter(doc.kind for doc in form.documents)
    for kind, n in kinds.items():
        if n > 1:
            problems.append(
                _problem(
                    f"{at}documents", f"Document {kind!r} is listed twice.", f"材料“{kind}”重复。"
                )
            )
    for i, rule in enumerate(form.eligibility):
        _check_rule(form, f"{at}eligibility[{i}]", rule, problems)
    if form.title_field is not None:
        _names_a(
            form, f"{at}title_field", form.title_field, frozenset({"text"}), "a text", problems
        )


def _check_rule(form: Form, at: str, rule: Predicate, problems: list[RuleViolation]) -> None:
    def names(place: str, name: str, kinds: frozenset[str], what: str) -> None:
        _names_a(form, f"{at}.{place}", name, kinds, what, problems)

    if isinstance(rule, Minimum | Maximum):
        names("field", rule.field, _AMOUNTS, "an amount")
        _amount(f"{at}.amount", rule.amount, problems)
    elif isinstance(rule, AtMost | WithinYears):
        if rule.per != "organization":
            names("per", rule.per, _NAMING, "a name or a choice")
        if rule.years is not None and not 1 <= rule.years <= MAX_YEARS:
            problems.append(
                _problem(
                    f"{at}.years",
                    f"A number of calendar years from 1 to {MAX_YEARS}, not {rule.years}.",
                    f"自然年度数须为 1 至 {MAX_YEARS},不能为 {rule.years}。",
                )
            )
    elif isinstance(rule, WithinCall) and rule.year_field is not None:
        names("year_field", rule.year_field, frozenset({"integer"}), "a year")
    elif isinstance(rule, Deadline | InPolicy):
        names("field", rule.field, _DATES, "a date")
    elif isinstance(rule, Ordered):
        names("first", rule.first, _DATES, "a date")
        names("then", rule.then, _DATES, "a date")
    elif isinstance(rule, NotInFuture):
        names("field", rule.field, _DATED, "a date")
    elif isinstance(rule, SumEquals):
        names("field", rule.field, _MONEY, "an amount")
        names("lines", rule.lines, _LINES, "lines")
    elif isinstance(rule, ShareAtLeast):
        names("part", rule.part, _MONEY, "an amount")
        names("whole", rule.whole, _MONEY, "an amount")
        if not 0 < rule.bp <= WHOLE_BP:
            problems.append(
                _problem(
                    f"{at}.bp", "A share is above 0 and at most 100 %.", "比例须大于0且不超过100%。"
                )
            )
    elif isinstance(rule, ListedExchange):
        names("field", rule.field, frozenset({"text", "choice"}), "a code")
        names("on", rule.on, _DATES, "a date")
    elif isinstance(rule, YearlyWindow):
        month, day = int(rule.closes[:2]), int(rule.closes[3:])
        if (
            rule.closes == "02-29"
            or day > (30 if month in (4, 6, 9, 11) else 31)
            or (month == 2 and day > 28)
        ):
            problems.append(
                _problem(
                    f"{at}.closes",
                    f"{rule.closes} is not a day every year has.",
                    f"{rule.closes} 不是每年都有的日期。",
                )
            )
        if rule.after is not None:
            names("after", rule.after, _DATES, "a date")
    elif isinstance(rule, LinkWindow) and rule.from_days > rule.to_days:
        problems.append(
            _problem(f"{at}.to_days", "The window ends before it opens.", "受理期结束早于开始。")
        )


def _check_steps(d: Definition, problems: list[RuleViolation]) -> None:
    steps: tuple[Step, ...] = d.award
    if not isinstance(steps[0], Input | Fixed | Stages):
        problems.append(
            _problem(
                "award[0]",
                "The award must start from an amount: an input field, a fixed amount or stages.",
                "奖补计算须从一个金额开始:取某个字段的值、定额或分阶段定额。",
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
        elif isinstance(step, Stages):
            _names_a(
                d, f"{at}.field", step.field, frozenset({"choices"}), "a choices field", problems
            )
            f = d.field(step.field)
            options = {o.value for o in f.options} if f else set()
            for value, text in step.amounts.items():
                if f is not None and value not in options:
                    problems.append(
                        _problem(
                            f"{at}.amounts",
                            f"{value!r} is not a choice of {step.field!r}.",
                            f"“{value}”不是字段“{f.label_zh}”的选项。",
                        )
                    )
                _amount(f"{at}.amounts.{value}", text, problems)
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


def _check_estimate(d: Definition, problems: list[RuleViolation]) -> None:
    stands_for = d.estimate_names()
    has_remaining = any(isinstance(s, Remaining) for s in d.award)
    for i, entry in enumerate(d.estimate_inputs):
        name = entry.name if isinstance(entry, EstimateInput) else entry
        if name == ALREADY_PAID and has_remaining:
            continue
        place = f"estimate_inputs[{i}]" + (".field" if isinstance(entry, EstimateInput) else "")
        _names_a(d, place, stands_for[name], _ESTIMABLE, "an amount or a number", problems)
    reads = {s.field for s in d.award if isinstance(s, Input | Stages)}
    for name in sorted(reads - set(stands_for.values())):
        problems.append(
            _problem(
                "estimate_inputs",
                f"The award reads {name!r}: the calculator must ask for it (estimate_inputs).",
                f"奖补计算用到“{name}”,测算器须包含该输入项(estimate_inputs)。",
            )
        )


def _check_links(d: Definition, problems: list[RuleViolation]) -> None:
    """A prior, the reference that points to it and the rules that read it agree."""
    refs = [(i, f) for i, f in enumerate(d.fields) if f.kind == "reference"]
    if d.prior is None:
        for i, _ in refs:
            problems.append(
                _problem(
                    f"fields[{i}].of",
                    "A reference points to an earlier application: define it (prior).",
                    "引用字段须对应事前申请(prior)。",
                )
            )
        return
    _check_form(d.prior, "prior.", problems)
    if d.prior.type == d.type:
        problems.append(
            _problem(
                "prior.type",
                "The earlier application needs a type of its own.",
                "事前申请须有不同的类型。",
            )
        )
    if d.prior.lapses_on is not None:
        _names_a(d.prior, "prior.lapses_on", d.prior.lapses_on, _DATES, "a date", problems)
    if len(refs) != 1 or refs[0][1].of != d.prior.type:
        problems.append(
            _problem(
                "fields",
                f"One reference field (of: {d.prior.type}) points to the earlier application.",
                f"须有且仅有一个引用字段(of: {d.prior.type})指向事前申请。",
            )
        )
    for i, rule in enumerate(d.eligibility):
        if isinstance(rule, LinkWindow):
            _names_a(d.prior, f"eligibility[{i}].field", rule.field, _DATES, "a date", problems)


def _check_title(d: Definition, problems: list[RuleViolation]) -> None:
    for name in _PLACEHOLDER.findall(d.title or ""):
        form: Form | None = d
        if name.startswith("prior."):
            form, name = d.prior, name.removeprefix("prior.")
            if name == "title":
                continue
        if form is None or form.field(name) is None:
            problems.append(
                _problem(
                    "title",
                    f"The title names {{{name}}}, which the form does not have.",
                    f"名称模板引用了表单中不存在的“{name}”。",
                )
            )


def check(d: Definition) -> list[RuleViolation]:
    """Every problem with a decoded definition; empty when it is sound."""
    problems: list[RuleViolation] = []
    _check_form(d, "", problems)
    _check_steps(d, problems)
    _check_estimate(d, problems)
    _check_links(d, problems)
    _check_title(d, problems)
    if (d.layout == "nested") != (d.type == "program_claim"):
        problems.append(
            _problem(
                "layout",
                "A program_claim is nested (fields under `fields`); other types are flat.",
                "program_claim 类型为嵌套格式,其他类型为平铺格式。",
            )
        )
    has_call = any(isinstance(r, WithinCall) for r in d.eligibility)
    if d.workflow.yearly_call != has_call:
        problems.append(
            _problem(
                "workflow.yearly_call",
                "A yearly call and the rule within_call go together.",
                "年度申报批次(yearly_call)须与 within_call 规则同时设置。",
            )
        )
    follow = d.workflow.follow_up
    if follow is not None:
        _names_a(d, "workflow.follow_up.part", follow.part, _MONEY, "an amount", problems)
        _names_a(d, "workflow.follow_up.whole", follow.whole, _MONEY, "an amount", problems)
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
