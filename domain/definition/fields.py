"""An application's fields read against its program's form: each value typed (money as Money,
never a float), each refusal named by its field (`fields.rd_costs`) and said in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.definition.model import Definition, Field
from domain.errors import RuleViolation
from domain.money import Money, parse_money

TEXT_MAX = {"text": 200, "long_text": 10_000}
MAX_LINES = 200


@dataclass(frozen=True, slots=True)
class Line:
    category: str
    description: str
    amount: Money


Value = str | int | bool | dt.date | Money | tuple[Line, ...]


def _bad(place: str, en: str, zh: str) -> RuleViolation:
    return RuleViolation("invalid_input", en, field=place, message_zh=zh)


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
    return raw


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


def _date(f: Field, place: str, raw: object) -> dt.date:
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
    if raw not in values:
        raise _bad(
            place,
            f"{f.label_en}: one of {', '.join(values)}.",
            f"{f.label_zh}:须为以下之一:{'、'.join(o.label_zh for o in f.options)}。",
        )
    return str(raw)


def _boolean(f: Field, place: str, raw: object) -> bool:
    if type(raw) is not bool:
        raise _bad(place, f"{f.label_en}: true or false.", f"{f.label_zh}:须为是或否。")
    return raw


def _lines(f: Field, place: str, raw: object) -> tuple[Line, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_LINES:
        raise _bad(
            place,
            f"{f.label_en}: a list of at most {MAX_LINES} lines.",
            f"{f.label_zh}:最多 {MAX_LINES} 行明细。",
        )
    categories = {o.value for o in f.options}
    out = []
    for i, line in enumerate(raw):
        at = f"{place}.{i}"
        if not isinstance(line, dict) or set(line) - {"category", "description", "amount"}:
            raise _bad(
                at,
                "A line has a category, a description and an amount.",
                "每行明细包括类别、说明和金额。",
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
                str(line["category"]), description, parse_money(line.get("amount"), f"{at}.amount")
            )
        )
    return tuple(out)


_READERS: dict[str, Callable[[Field, str, object], Value]] = {
    "text": _text,
    "long_text": _text,
    "money": _money,
    "integer": _integer,
    "date": _date,
    "choice": _choice,
    "boolean": _boolean,
    "lines": _lines,
}


def read(d: Definition, raw: Mapping[str, Any]) -> tuple[dict[str, Value], list[RuleViolation]]:
    """The values given, typed, and every refusal; a value left out (or null) is not given."""
    values: dict[str, Value] = {}
    problems: list[RuleViolation] = []
    for name, value in raw.items():
        f = d.field(name)
        place = f"fields.{name}"
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
        try:
            values[name] = _READERS[f.kind](f, place, value)
        except RuleViolation as v:
            problems.append(v)
    return values, problems


def missing(d: Definition, values: Mapping[str, Value]) -> list[RuleViolation]:
    """The required fields not filled: what stands between a draft and its submission."""
    return [
        RuleViolation(
            "required",
            f"{f.label_en} is required before submitting.",
            field=f"fields.{f.name}",
            message_zh=f"提交前须填写“{f.label_zh}”。",
        )
        for f in d.fields
        if f.required and values.get(f.name) in (None, "", ())
    ]


def amount_of(value: Value | None) -> Money | None:
    """A money field's amount, or a lines field's total."""
    if isinstance(value, Money):
        return value
    if isinstance(value, tuple):
        return sum((line.amount for line in value), Money.ZERO)
    return None


def to_store(values: Mapping[str, Value]) -> dict[str, Any]:
    """As the database keeps them: money in fen, dates as text; lines are kept as rows."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Money):
            out[name] = value.fen
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        elif not isinstance(value, tuple):
            out[name] = value
    return out
