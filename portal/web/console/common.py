"""What every console page shares: the signed-in staff member, forms, errors and rendering."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from domain.accounts import Role
from portal.auth.guards import has_role, principal_of
from portal.auth.principal import Principal
from portal.web.templating import page

AnyRequest = Request[Any, Any, Any]

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
    ("/console/statistics", "stats_console", None),
)


# The city's alone (portal.auth.guards.city_staff): a district's staff are not offered them.
CITY_SECTIONS = frozenset({"/console/users", "/console/dead-letters", "/console/audit"})


def sections_for(principal: Principal) -> list[tuple[str, str]]:
    return [
        (p, key)
        for p, key, roles in SECTIONS
        if (roles is None or principal.has_any(*roles))
        and (principal.city or p not in CITY_SECTIONS)
    ]


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
