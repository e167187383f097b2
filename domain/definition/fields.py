"""An application's fields read against its form: each value typed (money as Money, never a
float), each refusal named by its place (`fields.rd_costs` on a nested form, `rd_costs` on a
flat one) and said in words. What is checked as it is typed is refused at once; what a draft may
still lack or get wrong is said at submission (`at_submit`)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from uuid import UUID

from domain.definition.model import Field, Form
from domain.errors import RuleViolation
from domain.money import Money, parse_money

TEXT_MAX = {"text": 200, "long_text": 10_000}
MAX_LINES = 200
MAX_LIST = 50
INVOICE = re.compile(r"[0-9A-Za-z\-]{1,40}")
MAX_INVOICES = 50
MAX_LINE_DOCUMENTS = 20


@dataclass(frozen=True, slots=True)
class Line:
    category: str
    description: str
    amount: Money
    invoice_numbers: tuple[str, ...] = ()
    document_ids: tuple[UUID, ...] = ()


Value = (
    str
    | int
    | bool
    | dt.date
    | Money
    | tuple[Line, ...]
    | tuple[str, ...]
    | dict[str, dt.date]
    | UUID
)


def _bad(place: str, en: str, zh: str) -> RuleViolation:
    return RuleViolation("invalid_input", en, field=place, message_zh=zh)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _matches(f: Field, text: str) -> bool:
    return f.pattern is None or _compiled(f.pattern).fullmatch(text) is not None


def _text(f: Field, place: str, raw: object) -> str:
    if not isinstance(raw, str) or "\x00" in raw:
        raise _bad(place, f"{f.label_en}: write it as text.", f"{f.label_zh}:请填写文字。")
    low, high = f.min or 0, min(f.max or TEXT_MAX[f.kind], TEXT_MAX[f.kind])
    if not low <= len(raw) <= high:
        raise _bad(
            place,
            f"{f.label_en}: between {low} and {high} characters.",
            f"{f.label_zh}:长度须在 {low} 至 {high} 个字符之间。",
        )
    if not _matches(f, raw):
        raise _bad(place, f"{f.label_en}: not in the expected form.", f"{f.label_zh}:格式不正确。")
    return raw


def _text_list(f: Field, place: str, raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) > (f.max or MAX_LIST):
        raise _bad(
            place,
            f"{f.label_en}: a list of at most {f.max or MAX_LIST} items.",
            f"{f.label_zh}:最多 {f.max or MAX_LIST} 项。",
        )
    out = []
    for i, item in enumerate(raw):
        if (
            not isinstance(item, str)
            or not 1 <= len(item) <= TEXT_MAX["text"]
            or "\x00" in item
            or not _matches(f, item)
        ):
            raise _bad(
                f"{place}.{i}",
                f"{f.label_en}: each item is a text of 1 to 200 characters.",
                f"{f.label_zh}:每项为 1 至 200 个字符的文字。",
            )
        out.append(item)
    return tuple(out)


def _money(f: Field, place: str, raw: object) -> Money:
    amount = parse_money(raw, place)
    low = parse_money(f.min_amount) if f.min_amount else None
    high = parse_money(f.max_amount) if f.max_amount else None
    if (low is not None and amount < low) or (high is not None and amount > high):
        en = f"{f.label_en}: from {low or Money.ZERO} to {high or 'any amount'} yuan."
        zh = f"{f.label_zh}:金额须在 {low or Money.ZERO} 元至 {high or '不限'} 元之间。"
        raise _bad(place, en, zh)
    return amount


def _integer(f: Field, place: str, raw: object) -> int:
    # type() is int: a boolean or a float is not a whole number here.
    if (
        type(raw) is not int
        or (f.min is not None and raw < f.min)
        or (f.max is not None and raw > f.max)
    ):
        bounded = f.min is not None or f.max is not None
        bounds = f"{'' if f.min is None else f.min}–{'' if f.max is None else f.max}"
        raise _bad(
            place,
            f"{f.label_en}: a whole number{f' ({bounds})' if bounded else ''}.",
            f"{f.label_zh}:须为整数{f'({bounds})' if bounded else ''}。",
        )
    return raw


def _day(f: Field, place: str, raw: object) -> dt.date:
    try:
        if isinstance(raw, str) and len(raw) == 10:
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    raise _bad(
        place, f"{f.label_en}: a date as YYYY-MM-DD.", f"{f.label_zh}:日期格式为 YYYY-MM-DD。"
    )


def _choice(f: Field, place: str, raw: object) -> str:
    values = [o.value for o in f.options]
    if raw in values:
        return str(raw)
    # A value outside the list kept in a draft (refused at submit): only of the right form.
    if f.refused_code is not None and isinstance(raw, str) and f.pattern and _matches(f, raw):
        return raw
    raise _bad(
        place,
        f"{f.label_en}: one of {', '.join(values)}.",
        f"{f.label_zh}:须为以下之一:{'、'.join(o.label_zh for o in f.options)}。",
    )


def _choices(f: Field, place: str, raw: object) -> tuple[str, ...]:
    values = {o.value for o in f.options}
    if not isinstance(raw, list) or any(x not in values for x in raw) or len(set(raw)) != len(raw):
        raise _bad(
            place,
            f"{f.label_en}: some of {', '.join(sorted(values))}, each once.",
            f"{f.label_zh}:从以下选项中选择,每项一次:{'、'.join(o.label_zh for o in f.options)}。",
        )
    return tuple(str(x) for x in raw)


def _dates(f: Field, place: str, raw: object) -> dict[str, dt.date]:
    if not isinstance(raw, dict):
        raise _bad(
            place, f"{f.label_en}: a date for each choice.", f"{f.label_zh}:请逐项填写日期。"
        )
    out: dict[str, dt.date] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not f.options or key not in {o.value for o in f.options}:
            raise _bad(
                f"{place}.{key}", f"{f.label_en}: no such choice.", f"{f.label_zh}:无此选项。"
            )
        out[key] = _day(f, f"{place}.{key}", value)
    return out


def _boolean(f: Field, place: str, raw: object) -> bool:
    if type(raw) is not bool:
        raise _bad(place, f"{f.label_en}: true or false.", f"{f.label_zh}:须为是或否。")
    return raw


def _reference(f: Field, place: str, raw: object) -> UUID:
    try:
        if isinstance(raw, str):
            return UUID(raw)
    except ValueError:
        pass
    raise _bad(place, f"{f.label_en}: the id of an application.", f"{f.label_zh}:须为申请编号。")


def _ids(place: str, raw: object) -> tuple[UUID, ...]:
    try:
        if isinstance(raw, list) and len(raw) <= MAX_LINE_DOCUMENTS:
            texts = [x for x in raw if isinstance(x, str)]
            if len(texts) == len(raw):
                return tuple(UUID(x) for x in texts)
    except ValueError:
        pass
    raise _bad(
        place, "At most 20 documents per line, by their ids.", "每行最多 20 个附件,以编号指明。"
    )


def _invoices(place: str, raw: object) -> tuple[str, ...]:
    if (
        not isinstance(raw, list)
        or len(raw) > MAX_INVOICES
        or not all(isinstance(x, str) and INVOICE.fullmatch(x) for x in raw)
    ):
        raise _bad(
            place,
            "Invoice numbers: letters, digits and hyphens, at most 40 each and 50 per line.",
            "发票号由字母、数字和连字符组成,每个最多40位,每行最多50个。",
        )
    return tuple(raw)


def _lines(f: Field, place: str, raw: object) -> tuple[Line, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_LINES:
        raise _bad(
            place,
            f"{f.label_en}: a list of at most {MAX_LINES} lines.",
            f"{f.label_zh}:最多 {MAX_LINES} 行明细。",
        )
    allowed = {"category", "description", "amount", "document_ids"}
    if f.invoices:
        allowed.add("invoice_numbers")
    categories = {o.value for o in f.options}
    out = []
    for i, line in enumerate(raw):
        at = f"{place}.{i}"
        if not isinstance(line, dict) or set(line) - allowed:
            raise _bad(
                at,
                "A line has a category, a description and an amount"
                + (", and its invoice numbers." if f.invoices else "."),
                "每行明细包括类别、说明和金额" + ("及发票号。" if f.invoices else "。"),
            )
        if line.get("category") not in categories:
            raise _bad(
                f"{at}.category",
                f"A line's category is one of {', '.join(sorted(categories))}.",
                "请选择明细类别。",
            )
        description = line.get("description", "")
        if not isinstance(description, str) or len(description) > 200 or "\x00" in description:
            raise _bad(f"{at}.description", "At most 200 characters.", "说明不超过200个字符。")
        out.append(
            Line(
                str(line["category"]),
                description,
                parse_money(line.get("amount"), f"{at}.amount"),
                _invoices(f"{at}.invoice_numbers", line.get("invoice_numbers", [])),
                _ids(f"{at}.document_ids", line.get("document_ids", [])),
            )
        )
    return tuple(out)


_READERS: dict[str, Callable[[Field, str, object], Value]] = {
    "text": _text,
    "long_text": _text,
    "text_list": _text_list,
    "money": _money,
    "integer": _integer,
    "date": _day,
    "choice": _choice,
    "choices": _choices,
    "dates": _dates,
    "boolean": _boolean,
    "reference": _reference,
    "lines": _lines,
}


def _dates_options(form: Form, f: Field) -> Field:
    """A dates field takes the choices of the field it dates."""
    of = form.field(f.of) if f.of else None
    return f if of is None else Field(**{**_as_dict(f), "options": of.options})


def _as_dict(f: Field) -> dict[str, Any]:
    return {name: getattr(f, name) for name in f.__struct_fields__}


def read(
    form: Form, raw: Mapping[str, Any], prefix: str = "fields."
) -> tuple[dict[str, Value], list[RuleViolation]]:
    """The values given, typed, and every refusal; a value left out (or null) is not given."""
    values: dict[str, Value] = {}
    problems: list[RuleViolation] = []
    for name, value in raw.items():
        f = form.field(name)
        place = f"{prefix}{name}"
        if f is None:
            problems.append(
                _bad(
                    place,
                    f"This program's form has no field {name!r}.",
                    f"该项目表单没有字段“{name}”。",
                )
            )
            continue
        if value is None:
            continue
        if f.kind == "dates":
            f = _dates_options(form, f)
        try:
            values[name] = _READERS[f.kind](f, place, value)
        except RuleViolation as v:
            problems.append(v)
    return values, problems


def _empty(value: Value | None) -> bool:
    return value is None or value == "" or value == () or value == {}


def at_submit(
    form: Form, values: Mapping[str, Value], prefix: str = "fields."
) -> list[RuleViolation]:
    """What stands between a draft and its submission: the required fields, a date for each
    choice a dates field dates, invoice numbers on every line that needs them (none twice),
    and choices outside their list."""
    out: list[RuleViolation] = []
    for f in form.fields:
        place = f"{prefix}{f.name}"
        value = values.get(f.name)
        if f.required and _empty(value):
            out.append(
                RuleViolation(
                    "required",
                    f"{f.label_en} is required before submitting.",
                    field=place,
                    message_zh=f"提交前须填写“{f.label_zh}”。",
                )
            )
        elif f.kind == "choice" and isinstance(value, str) and f.refused_code is not None:
            if value not in {o.value for o in f.options}:
                out.append(
                    RuleViolation(
                        f.refused_code,
                        f"{f.label_en}: {value} is not one of the choices.",
                        field=place,
                        message_zh=f"{f.label_zh}:{value} 不在可选范围内。",
                    )
                )
        elif f.kind == "dates" and f.of is not None:
            chosen = values.get(f.of)
            given = value if isinstance(value, dict) else {}
            for option in chosen if isinstance(chosen, tuple) else ():
                if option not in given:
                    out.append(
                        RuleViolation(
                            "required",
                            f"Give the date of {option}.",
                            field=f"{place}.{option}",
                            message_zh=f"请填写 {option} 的日期。",
                        )
                    )
        elif f.kind == "lines" and f.invoices and isinstance(value, tuple):
            out += _invoice_problems(f, place, value)
    return out


def _invoice_problems(f: Field, place: str, lines: tuple[Any, ...]) -> list[RuleViolation]:
    out = [
        RuleViolation(
            "required",
            "Each line lists its invoice numbers.",
            field=f"{place}.{i}.invoice_numbers",
            message_zh="每行须填写发票号。",
        )
        for i, line in enumerate(lines)
        if isinstance(line, Line) and not line.invoice_numbers
    ]
    counts = Counter(n for line in lines if isinstance(line, Line) for n in line.invoice_numbers)
    out += [
        RuleViolation(
            "invoice_repeated",
            f"Invoice {number} appears more than once in this claim.",
            field=place,
            message_zh=f"发票号 {number} 在本申请中重复出现。",
        )
        for number, count in sorted(counts.items())
        if count > 1
    ]
    return out


def missing(
    form: Form, values: Mapping[str, Value], prefix: str = "fields."
) -> list[RuleViolation]:
    """The required fields not filled."""
    return [v for v in at_submit(form, values, prefix) if v.code == "required"]


def lines(value: Value | None) -> tuple[Line, ...]:
    """A lines field's lines (nothing for any other value)."""
    if isinstance(value, tuple):
        return tuple(x for x in value if isinstance(x, Line))
    return ()


def chosen(values: Mapping[str, Value]) -> dict[str, tuple[str, ...]]:
    """The options picked in choices fields (and the items of text lists)."""
    return {
        k: tuple(x for x in v if isinstance(x, str))
        for k, v in values.items()
        if isinstance(v, tuple) and all(isinstance(x, str) for x in v)
    }


def to_store(form: Form, values: Mapping[str, Value]) -> dict[str, Any]:
    """As the database keeps them: money in fen, dates and ids as text; a lines field is kept
    as rows (left out here)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        f = form.field(name)
        if f is not None and f.kind == "lines":
            continue
        if isinstance(value, Money):
            out[name] = value.fen
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        elif isinstance(value, UUID):
            out[name] = str(value)
        elif isinstance(value, dict):
            out[name] = {k: d.isoformat() for k, d in value.items()}
        elif isinstance(value, tuple):
            out[name] = list(value)
        else:
            out[name] = value
    return out
