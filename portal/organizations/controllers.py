from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody

from domain.accounts import STAFF_ROLES
from portal.applications.payee import Payee
from portal.auth.guards import has_role, org_admin, org_member, principal_of
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of
from portal.organizations import schemas as s
from portal.organizations import services

AnyRequest = Request[Any, Any, Any]
MEMBER, ADMIN = on_loop(org_member), on_loop(org_admin)


def _org(request: AnyRequest) -> UUID:
    org_id = principal_of(request).org_id
    assert org_id is not None  # the guards: members only
    return org_id


class OrgController(Controller):
    """The caller's own organization: everyone in it reads, its admins change."""

    path = "/api/v1/org"
    tags = ["organization"]
    # Guards on each handler, not here: OPTIONS answers every caller (a controller's guards
    # would guard its OPTIONS too).

    @get(
        operation_id="get_org",
        guards=[MEMBER],
        responses=problems(401, 403),
        summary="The organization's file",
    )
    async def get_org(self, ctx: Ctx, request: AnyRequest) -> s.OrgOut:
        return await services.get_org(ctx.pool, _org(request))

    @patch(
        operation_id="update_org",
        guards=[MEMBER, ADMIN],
        responses=problems(401, 403, 422),
        summary="Change the contact person, phone or address (org admin)",
    )
    async def update(self, ctx: Ctx, request: AnyRequest, data: JSONBody[s.OrgPatch]) -> s.OrgOut:
        return await services.update_contact(ctx.pool, ctx.clock.now(), principal_of(request), data)

    @put(
        "/bank-account",
        operation_id="set_bank_account",
        guards=[MEMBER, ADMIN],
        responses=problems(401, 403, 422),
        summary="The account claims are paid to when they name none (org admin)",
    )
    async def bank_account(self, ctx: Ctx, request: AnyRequest, data: JSONBody[Payee]) -> s.OrgOut:
        return await services.set_bank_account(
            ctx.pool, ctx.clock.now(), principal_of(request), data
        )

    @get(
        "/history",
        operation_id="org_history",
        guards=[MEMBER],
        responses=problems(401, 403),
        summary="Applications by program and status; awards received, paid and repaid",
    )
    async def history(self, ctx: Ctx, request: AnyRequest) -> s.HistoryOut:
        return await services.history(ctx.pool, _org(request), language_of(request))

    @get(
        "/members",
        operation_id="list_org_members",
        guards=[MEMBER],
        responses=problems(401, 403),
        summary="The organization's people",
    )
    async def members(self, ctx: Ctx, request: AnyRequest) -> s.MemberList:
        return await services.members(ctx.pool, _org(request))

    @delete(
        "/members/{user_id:uuid}",
        operation_id="remove_org_member",
        guards=[MEMBER, ADMIN],
        status_code=204,
        responses=problems(401, 403, 404, 409),
        summary="Remove a member: their sign-ins stop at once (org admin)",
    )
    async def remove(self, ctx: Ctx, request: AnyRequest, user_id: FromPath[UUID]) -> None:
        await services.remove_member(
            ctx.pool, ctx.clock.now(), principal_of(request), user_id, ctx.callers
        )

    @patch(
        "/members/{user_id:uuid}",
        operation_id="set_org_member_role",
        guards=[MEMBER, ADMIN],
        responses=problems(401, 403, 404, 409, 422),
        summary="Make a member an admin, or an admin a member (org admin)",
    )
    async def set_role(
        self,
        ctx: Ctx,
        request: AnyRequest,
        user_id: FromPath[UUID],
        data: JSONBody[s.MemberRoleIn],
    ) -> s.MemberOut:
        return await services.set_member_role(
            ctx.pool, ctx.clock.now(), principal_of(request), user_id, data.role, ctx.callers
        )

    @get(
        "/invitations",
        operation_id="list_org_invitations",
        guards=[MEMBER, ADMIN],
        responses=problems(401, 403),
        summary="Invitations not yet accepted (org admin)",
    )
    async def invitations(self, ctx: Ctx, request: AnyRequest) -> s.InvitationList:
        return await services.invitations(ctx.pool, _org(request), ctx.clock.now())

    @post(
        "/invitations",
        operation_id="invite_org_member",
        guards=[MEMBER, ADMIN],
        status_code=201,
        responses=problems(401, 403, 409, 422),
        summary="Invite a colleague by e-mail: a single-use link, valid 7 days (org admin)",
    )
    async def invite(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[s.InvitationIn]
    ) -> s.InvitationOut:
        return await services.invite(ctx.pool, ctx.clock.now(), principal_of(request), data)


class OrgAdminController(Controller):
    """Staff read the files and people of the organizations within their scope (the city's
    staff: any); another district's is a 404 (`services.in_scope`)."""

    path = "/api/v1/admin/organizations/{org_id:uuid}"
    tags = ["organization"]
    guards = [on_loop(has_role(*STAFF_ROLES))]

    @get(operation_id="admin_get_org", responses=problems(401, 403, 404), summary="A file")
    async def get_org(self, ctx: Ctx, request: AnyRequest, org_id: FromPath[UUID]) -> s.OrgOut:
        return await services.staff_get_org(ctx.pool, principal_of(request), org_id)

    @get(
        "/members",
        operation_id="admin_list_org_members",
        responses=problems(401, 403, 404),
        summary="An organization's people",
    )
    async def members(self, ctx: Ctx, request: AnyRequest, org_id: FromPath[UUID]) -> s.MemberList:
        # 404 for no such organization, or one outside the caller's scope
        await services.staff_get_org(ctx.pool, principal_of(request), org_id)
        return await services.members(ctx.pool, org_id)
