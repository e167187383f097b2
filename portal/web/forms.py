"""Posted forms on any page: their fields as text, and a service's refusal in words by field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import FormMultiDict

from domain.errors import RuleViolation
from portal.errors import ProblemError

Errors = dict[str, str]
REFUSALS = (RuleViolation, ProblemError, msgspec.ValidationError)


async def read_form(request: Request[Any, Any, Any]) -> FormMultiDict:
    return await request.form()


def text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def checked(form: Mapping[str, Any], name: str) -> bool:
    return form.get(name) in ("on", "true", "1", "yes")


def _validation_field(exc: msgspec.ValidationError) -> str:
    message = str(exc)
    if "`$." not in message:
        return "form"
    path = message.rsplit("`$.", 1)[-1].rstrip("`")
    return path.replace("[", ".").replace("]", "") or "form"


def failure(exc: Exception, language: str) -> tuple[Errors, str | None, int]:
    """A service's refusal as (messages by field, its stable code, the HTTP status)."""
    zh = language == "zh"
    if isinstance(exc, RuleViolation):
        return {exc.field or "form": exc.message_zh if zh else exc.message}, exc.code, exc.status
    if isinstance(exc, ProblemError):
        errors: Errors = {}
        for v in exc.errors or []:
            key, said = v.field or "form", v.message_zh if zh else v.message
            errors[key] = f"{errors[key]} {said}" if key in errors else said
        if not errors:
            errors["form"] = exc.detail_zh if zh else exc.detail_en
        return errors, exc.code, exc.status
    if isinstance(exc, msgspec.ValidationError):
        field = _validation_field(exc)
        message = "请检查此项的格式或取值。" if zh else f"Please check this field: {exc}"
        return {field: message}, "invalid_input", 422
    raise exc
