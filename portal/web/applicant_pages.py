"""The applicant's pages under /app (placeholder until they land)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from portal.auth.guards import org_member
from portal.web.errors import PAGE_EXCEPTION_HANDLERS
from portal.web.templating import page


class ApplicantPages(Controller):
    path = "/app"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    guards = [org_member]

    @get("/")
    async def dashboard(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "home.html", programs=[])
