"""The staff console under /console: work queue, application pages, objections, payments,
budgets, publicity, configuration, users, dead letters, the audit log and exports.

Each part lives in `portal/web/console/`; every form calls the same service as the API, so no
rule has a second copy here. Pages answer errors as pages (sign-in redirect, 403 page).
"""

from __future__ import annotations

from litestar import Controller

from domain.accounts import STAFF_ROLES
from portal.auth.guards import has_role
from portal.web.console.admin import AdminPages
from portal.web.console.config import ConfigPages
from portal.web.console.exports import ExportPages
from portal.web.console.money import MoneyPages
from portal.web.console.objections import ObjectionPages
from portal.web.console.organizations import OrganizationPages
from portal.web.console.payments import PaymentPages
from portal.web.console.programs import ProgramPages
from portal.web.console.statistics import StatisticsPages
from portal.web.console.work import WorkPages
from portal.web.errors import PAGE_EXCEPTION_HANDLERS


class ConsolePages(
    WorkPages,
    ObjectionPages,
    OrganizationPages,
    PaymentPages,
    MoneyPages,
    ProgramPages,
    ConfigPages,
    AdminPages,
    ExportPages,
    StatisticsPages,
    Controller,
):
    path = "/console"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    guards = [has_role(*STAFF_ROLES)]
