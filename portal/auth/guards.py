"""Route guards: 401 without a valid token, 403 without the role, the organization or the
city's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from domain.accounts import Role
from domain.errors import RuleViolation
from portal.auth.principal import Principal

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException()
    return user  # type: ignore[no-any-return]


def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    principal_of(connection)


def org_member(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if principal_of(connection).org_id is None:
        raise PermissionDeniedException()


def org_admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Only an organization's admins change its profile, bank account and members."""
    if not principal_of(connection).org_admin:
        raise PermissionDeniedException()


def has_role(*roles: Role) -> Guard:
    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not principal_of(connection).has_any(*roles):
            raise PermissionDeniedException()

    guard.__name__ = f"has_role_{'_or_'.join(roles)}"
    return guard


def city_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Staff accounts and city-wide configuration are the city's to administer.

    Placed after `has_role`: a staff member scoped to districts gets 403 `outside_scope` on
    creating staff users, changing their roles, scope or activity, listing them (a district's
    admin sees no staff list; none of it is theirs to act on), yearly calls, program
    definitions, versions and publishing, exchanges, the calendar, dead letters (everyone's
    addresses) and the audit log (every district's trail). City staff (no districts) pass.
    """
    if not principal_of(connection).city:
        raise RuleViolation(
            "outside_scope",
            "Staff accounts and city-wide settings are the city's to administer, "
            "not a district's staff's.",
            status=403,
            message_zh="工作人员账号和全市配置由市级管理,区级人员无权操作。",
        )
