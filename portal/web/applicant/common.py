"""What every applicant page shares: rendering with the menu, and a service's refusal in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request
from litestar.response import Redirect, Template

from domain.errors import RuleViolation
from portal.auth.guards import principal_of
from portal.errors import ProblemError
from portal.notifications import services as notifications
from portal.web.applicant.forms import Spec
from portal.web.i18n import translator
from portal.web.templating import page

AnyRequest = Request[Any, Any, Any]
Errors = dict[str, str]
REFUSALS = (RuleViolation, ProblemError, msgspec.ValidationError)
BUSINESS_TZ = dt.timezone(dt.timedelta(hours=8))

# The applicant's menu: (path, i18n key).
MENU: tuple[tuple[str, str], ...] = (
    ("/app", "my_applications"),
    ("/app/new", "new_application"),
    ("/app/inbox", "inbox"),
    ("/app/calculator", "calculator"),
    ("/app/organization", "organization_file"),
)


async def render(
    request: AnyRequest, name: str, *, status_code: int = 200, **context: Any
) -> Template:
    """An applicant page: `page()` plus the menu, the unread count and the business date."""
    ctx = request.app.state.ctx
    principal = principal_of(request)
    unread = (await notifications.inbox(ctx.pool, principal, 1, None)).unread
    return page(
        request,
        f"app/{name}",
        status_code=status_code,
        menu=MENU,
        unread=unread,
        today=ctx.today(),
        **context,
    )


def see_other(url: str) -> Redirect:
    """After a successful post: on to a page (post/redirect/get)."""
    return Redirect(url, status_code=303)


def clock_time(at: dt.datetime) -> str:
    return at.astimezone(BUSINESS_TZ).strftime("%H:%M")


# ------------------------------------------------------------------ refusals


@dataclass(frozen=True)
class Problem:
    """One reason a service refused, ready for the page."""

    code: str
    field: str  # the service's field path, dotted; "" when the whole form
    message: str  # next to the field
    label: str  # what the field is called, for a list of errors


def _field(raw: str | None) -> str:
    """`budget_lines[0].amount`, `$.x`, `$` → dotted paths (`budget_lines.0.amount`, `x`, ``)."""
    if not raw or raw == "$":
        return ""
    path = raw.removeprefix("$").lstrip(".")
    return path.replace("[", ".").replace("]", "").strip(".")


def _validation_path(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    return text.rsplit("`$.", 1)[-1].rstrip("`") if "`$." in text else ""


def _is_format_error(v: RuleViolation) -> bool:
    # The services pass msgspec's own (English, technical) words through for malformed input.
    return v.code == "invalid_input" and ("Expected `" in v.message or "`$." in v.message)


def label_of(spec: Spec | None, path: str, t: Callable[[str], str], zh: bool = True) -> str:
    """What a field path is called on the form: `budget_lines.0.amount` → 预算明细 第1行 金额."""
    if spec is not None and spec.nested:
        path = path.removeprefix("fields.")
    parts = path.split(".") if path else []
    if not parts:
        return ""
    head = parts[0]
    if spec is not None and head == spec.lines:
        words = [spec.lines_label[0 if zh else 1]]
        if len(parts) > 1 and parts[1].isdigit():
            words.append(t("line_no").format(n=int(parts[1]) + 1))
        if len(parts) > 2:
            words.append(t(f"col_{parts[2]}"))
        return " ".join(words)
    if head == "payee":
        return t("payee") + (f" {t('payee_' + parts[1])}" if len(parts) > 1 else "")
    if head == "documents":
        return t("documents")
    if spec is not None:
        named = [f for f in spec.fields if f.name == head]
        if spec.stages is not None:
            named.append(spec.stages)
        if named:
            return named[0].label_zh if zh else named[0].label_en
        if head == spec.stage_dates and spec.stages is not None:
            choice = next(
                (c for c in spec.stages.choices if len(parts) > 1 and c[0] == parts[1]), None
            )
            suffix = f" {choice[1] if zh else choice[2]}" if choice else ""
            return t("stage_date") + suffix
    return head


def problems(exc: Exception, language: str, spec: Spec | None = None) -> list[Problem]:
    """Every reason in a refusal, in the user's language, each with the field it concerns."""
    zh = language == "zh"
    t = translator(language)
    if isinstance(exc, msgspec.ValidationError):
        found = [RuleViolation("invalid_input", str(exc), field=_validation_path(exc))]
    elif isinstance(exc, RuleViolation):
        found = [exc]
    elif isinstance(exc, ProblemError):
        found = list(exc.errors) or [
            RuleViolation(
                exc.code,
                exc.detail_en,
                message_zh=exc.detail_zh or exc.detail_en,
                status=exc.status,
            )
        ]
    else:
        raise exc
    out = []
    for v in found:
        path = _field(v.field)
        if v.code == "invalid_input" and "missing required field `" in v.message:
            # An object without one of its fields (a half-filled payee): point at that field.
            missing = v.message.split("missing required field `", 1)[1].split("`", 1)[0]
            path = f"{path}.{missing}" if path else missing
        label = label_of(spec, path, t, zh)
        if v.code == "required":
            message = t("required_message")
        elif _is_format_error(v):
            message = t("format_message")
        else:
            message = v.message_zh if zh else v.message
        out.append(Problem(v.code, path, message, label))
    return out


def status_of(exc: Exception) -> int:
    if isinstance(exc, (RuleViolation, ProblemError)):
        return exc.status
    return 422


def uuid_or_none(text: str) -> UUID | None:
    try:
        return UUID(text)
    except (ValueError, TypeError):
        return None
