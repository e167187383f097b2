"""An organization's file for staff: its details, its people and its history with the portal;
only within the staff member's scope (another district's firm is a 404)."""

from __future__ import annotations

from uuid import UUID

from litestar import get
from litestar.params import FromPath
from litestar.response import Template

from portal.auth.guards import principal_of
from portal.context import Ctx
from portal.i18n import language_of
from portal.organizations import services as organizations
from portal.web.console.common import AnyRequest, render


class OrganizationPages:
    """Mixed into ConsolePages (path /console)."""

    @get("/organizations/{org_id:uuid}")
    async def organization(self, ctx: Ctx, request: AnyRequest, org_id: FromPath[UUID]) -> Template:
        org = await organizations.staff_get_org(ctx.pool, principal_of(request), org_id)
        return render(
            request,
            "organization.html",
            org=org,
            members=(await organizations.members(ctx.pool, org_id)).items,
            history=await organizations.history(ctx.pool, org_id, language_of(request)),
        )
