"""The organization's page (一企一档): its file, the bank account on file, its people and
invitations, and its history with the portal; the address-verification mail sent again.
Everyone in the organization reads it; its admins change it, through the same services as the
API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.accounts import credentials
from portal.applications.payee import Payee
from portal.auth.guards import org_admin, principal_of
from portal.context import Ctx
from portal.i18n import language_of
from portal.organizations import schemas as s
from portal.organizations import services as organizations
from portal.web.applicant.common import REFUSALS, AnyRequest, render, see_other
from portal.web.forms import failure, read_form, text


class OrganizationPages:
    """Mixed into ApplicantPages (path /app)."""

    @get("/organization")
    async def organization(self, ctx: Ctx, request: AnyRequest) -> Template:
        return await _page(ctx, request)

    @post("/organization/contact", status_code=303, guards=[org_admin])
    async def contact(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        fields = ("contact_name", "contact_phone", "address")
        try:
            data = msgspec.convert({k: text(form, k) for k in fields}, s.OrgPatch)
            await organizations.update_contact(
                ctx.pool, ctx.clock.now(), principal_of(request), data
            )
        except REFUSALS as exc:
            return await _refused(ctx, request, "contact", form, exc)
        return see_other("/app/organization?done=contact")

    @post("/organization/bank-account", status_code=303, guards=[org_admin])
    async def bank_account(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        fields = ("account_name", "bank", "account_no")
        try:
            data = msgspec.convert({k: text(form, k) for k in fields}, Payee)
            await organizations.set_bank_account(
                ctx.pool, ctx.clock.now(), principal_of(request), data
            )
        except REFUSALS as exc:
            return await _refused(ctx, request, "bank", form, exc)
        return see_other("/app/organization?done=bank")

    @post("/organization/invitations", status_code=303, guards=[org_admin])
    async def invite(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        try:
            data = msgspec.convert(
                {"email": text(form, "email"), "role": text(form, "role") or "member"},
                s.InvitationIn,
            )
            await organizations.invite(ctx.pool, ctx.clock.now(), principal_of(request), data)
        except REFUSALS as exc:
            return await _refused(ctx, request, "invite", form, exc)
        return see_other("/app/organization?done=invite")

    @post("/organization/members/{user_id:uuid}/remove", status_code=303, guards=[org_admin])
    async def remove(
        self, ctx: Ctx, request: AnyRequest, user_id: FromPath[UUID]
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            await organizations.remove_member(
                ctx.pool, ctx.clock.now(), principal_of(request), user_id, ctx.callers
            )
        except REFUSALS as exc:
            return await _refused(ctx, request, "members", form, exc)
        return see_other("/app/organization?done=removed")

    @post("/organization/members/{user_id:uuid}/role", status_code=303, guards=[org_admin])
    async def set_role(
        self, ctx: Ctx, request: AnyRequest, user_id: FromPath[UUID]
    ) -> Redirect | Template:
        form = await read_form(request)
        try:
            data = msgspec.convert({"role": text(form, "role")}, s.MemberRoleIn)
            await organizations.set_member_role(
                ctx.pool, ctx.clock.now(), principal_of(request), user_id, data.role, ctx.callers
            )
        except REFUSALS as exc:
            return await _refused(ctx, request, "members", form, exc)
        return see_other("/app/organization?done=role")

    @post("/verification-email", status_code=303)
    async def resend(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        try:
            await credentials.resend_verification(ctx.pool, ctx.clock.now(), principal_of(request))
        except REFUSALS as exc:
            return await _refused(ctx, request, "verification", form, exc)
        return see_other("/app/organization?done=verification")


async def _page(
    ctx: Ctx,
    request: AnyRequest,
    *,
    status_code: int = 200,
    failed: str | None = None,
    errors: dict[str, str] | None = None,
    submitted: dict[str, Any] | None = None,
) -> Template:
    principal = principal_of(request)
    assert principal.org_id is not None  # the pages' guard: members only
    language = language_of(request)
    done = request.query_params.get("done")
    return await render(
        request,
        "organization.html",
        status_code=status_code,
        org=await organizations.get_org(ctx.pool, principal.org_id),
        members=(await organizations.members(ctx.pool, principal.org_id)).items,
        invitations=(
            await organizations.invitations(ctx.pool, principal.org_id, ctx.clock.now())
        ).items
        if principal.org_admin
        else [],
        history=await organizations.history(ctx.pool, principal.org_id, language),
        is_admin=principal.org_admin,
        done=done
        if done in ("contact", "bank", "invite", "removed", "role", "verification")
        else None,
        failed=failed,
        errors=errors or {},
        submitted=submitted or {},
    )


async def _refused(ctx: Ctx, request: AnyRequest, name: str, form: Any, exc: Exception) -> Template:
    errors, _, status = failure(exc, language_of(request))
    submitted = {k: form.get(k) for k in form}
    return await _page(
        ctx, request, status_code=status, failed=name, errors=errors, submitted=submitted
    )
