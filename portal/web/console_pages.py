"""The staff console under /console (placeholder until it lands)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from domain.accounts import STAFF_ROLES
from portal.auth.guards import has_role
from portal.web.errors import PAGE_EXCEPTION_HANDLERS
from portal.web.templating import page


class ConsolePages(Controller):
    path = "/console"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    guards = [has_role(*STAFF_ROLES)]

    @get("/")
    async def queue(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "home.html", programs=[])
