"""What every console page shares: the signed-in staff member, forms, errors and rendering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template

from domain.accounts import Role
from domain.errors import RuleViolation
from portal.auth.guards import has_role, principal_of
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.web.templating import page

AnyRequest = Request[Any, Any, Any]
Errors = dict[str, str]

# Who may do what on the console's own pages; the services check again (they are the rule).
ADMIN_ONLY = has_role(Role.ADMIN)
AUDIT_READERS = has_role(Role.ADMIN, Role.AUDITOR)

# The console's sections, in menu order: (path, i18n key, roles that see it; None = all staff).
SECTIONS: tuple[tuple[str, str, frozenset[Role] | None], ...] = (
    ("/console", "work_queue", None),
    ("/console/budgets", "budgets", None),
    ("/console/publicity", "publicity_batches", None),
    ("/console/objections", "objections", None),
    ("/console/payments", "payments_due", frozenset({Role.FINANCE, Role.AUDITOR})),
    ("/console/programs", "program_versions", None),
    ("/console/calls", "calls", None),
    ("/console/exchanges", "exchanges", None),
    ("/console/calendar", "calendar", None),
    ("/console/users", "users_roles", frozenset({Role.ADMIN})),
    ("/console/dead-letters", "dead_letters", frozenset({Role.ADMIN})),
    ("/console/audit", "audit_log", frozenset({Role.ADMIN, Role.AUDITOR})),
    ("/console/exports", "exports", None),
)


def sections_for(principal: Principal) -> list[tuple[str, str]]:
    return [(p, key) for p, key, roles in SECTIONS if roles is None or principal.has_any(*roles)]


def render(request: AnyRequest, name: str, *, status_code: int = 200, **context: Any) -> Template:
    """A console page: `page()` plus the menu, the viewer's roles and the business date."""
    principal = principal_of(request)
    ctx = request.app.state.ctx
    return page(
        request,
        f"console/{name}",
        status_code=status_code,
        sections=sections_for(principal),
        roles=frozenset(str(r) for r in principal.roles),
        today=ctx.today(),
        **context,
    )


def see_other(url: str) -> Redirect:
    """After a successful post: back to a page (post/redirect/get)."""
    return Redirect(url, status_code=303)


async def read_form(request: AnyRequest) -> FormMultiDict:
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
        errors = {
            (v.field or "form"): (v.message_zh if zh else v.message) for v in exc.errors or []
        }
        if not errors:
            errors["form"] = exc.detail_zh if zh else exc.detail_en
        return errors, exc.code, exc.status
    if isinstance(exc, msgspec.ValidationError):
        field = _validation_field(exc)
        message = "请检查此项的格式或取值。" if zh else f"Please check this field: {exc}"
        return {field: message}, "invalid_input", 422
    raise exc


REFUSALS = (RuleViolation, ProblemError, msgspec.ValidationError)
