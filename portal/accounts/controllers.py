from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from domain.accounts import Role
from portal.accounts import credentials, services
from portal.accounts import schemas as s
from portal.auth.client_address import client_address
from portal.auth.guards import city_staff, has_role, principal_of, signed_in
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["accounts"]

    @post(
        "/register",
        operation_id="register",
        status_code=HTTP_201_CREATED,
        responses=problems(409, 422, 429),
        summary="Register an organization and its first user (throttled per address: 429)",
    )
    async def register(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[s.RegisterIn]
    ) -> s.RegisterOut:
        return await services.register(
            ctx.pool,
            ctx.clock.now(),
            data,
            language=language_of(request),
            address=client_address(request, ctx.settings.trusted_proxies),
        )

    @post(
        "/verify-email",
        operation_id="verify_email",
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(400, 422),
        summary="Verify an address with the token its e-mail carried",
    )
    async def verify_email(self, ctx: Ctx, data: JSONBody[s.TokenIn]) -> None:
        await credentials.verify_email(ctx.pool, ctx.clock.now(), data.token)

    @post(
        "/password-reset",
        operation_id="request_password_reset",
        status_code=HTTP_202_ACCEPTED,
        responses=problems(422, 429),
        summary="Send a reset link to this address if it has an account (the answer never says)",
    )
    async def request_reset(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[s.ResetRequestIn]
    ) -> s.QueuedOut:
        address = client_address(request, ctx.settings.trusted_proxies)
        await credentials.request_reset(ctx.pool, ctx.clock.now(), data.email, address)
        return s.QueuedOut()

    @post(
        "/password-reset/confirm",
        operation_id="confirm_password_reset",
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(400, 422),
        summary="Set a new password with the reset link's token (30 minutes, once)",
        description="Every other token and session of the user ends; the sign-in lock lifts.",
    )
    async def confirm_reset(self, ctx: Ctx, data: JSONBody[s.ResetConfirmIn]) -> None:
        await credentials.confirm_reset(ctx.pool, ctx.clock.now(), data.token, data.password)

    @post(
        "/invitations/accept",
        operation_id="accept_invitation",
        status_code=HTTP_201_CREATED,
        responses=problems(400, 409, 422),
        summary="Join an organization with the invitation's token: the account, verified",
    )
    async def accept_invitation(
        self, ctx: Ctx, data: JSONBody[s.InvitationAcceptIn]
    ) -> s.AcceptedOut:
        return await credentials.accept_invitation(ctx.pool, ctx.clock.now(), data)

    @post(
        "/token",
        operation_id="issue_token",
        status_code=200,
        responses=problems(401, 422, 429),
        summary="Exchange e-mail and password for a bearer token",
    )
    async def token(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[s.LoginIn]
    ) -> s.TokenOut:
        address = client_address(request, ctx.settings.trusted_proxies)
        ttl = timedelta(seconds=ctx.settings.token_ttl_seconds)
        return await services.issue_token(ctx.pool, ctx.clock.now(), data, address, ttl)

    @post(
        "/logout",
        operation_id="logout",
        status_code=HTTP_204_NO_CONTENT,
        guards=[signed_in],
        responses=problems(401),
        summary="Revoke the bearer token of this request",
    )
    async def logout(self, ctx: Ctx, request: Request[Any, Any, Any]) -> None:
        principal = principal_of(request)
        if isinstance(request.scope.get("auth"), str):
            await services.revoke_token(ctx.pool, ctx.clock.now(), principal, request.scope["auth"])


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["accounts"]

    @get(
        operation_id="get_me",
        guards=[signed_in],
        responses=problems(401),
        summary="The signed-in user and their organization",
    )
    async def me(self, ctx: Ctx, request: Request[Any, Any, Any]) -> s.MeOut:
        return await services.me(ctx.pool, principal_of(request))

    @post(
        "/password",
        operation_id="change_password",
        guards=[signed_in],
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(401, 403, 422),
        summary="Change the password, with the current one; other sign-ins end",
    )
    async def change_password(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[s.PasswordChangeIn]
    ) -> None:
        token = request.scope.get("auth")
        await credentials.change_password(
            ctx.pool,
            ctx.clock.now(),
            principal_of(request),
            data,
            keep_token=token if isinstance(token, str) else None,
        )

    @post(
        "/verification-email",
        operation_id="resend_verification_email",
        guards=[signed_in],
        status_code=HTTP_202_ACCEPTED,
        responses=problems(401, 429),
        summary="Send the address's verification link again (a few times an hour)",
    )
    async def resend_verification(self, ctx: Ctx, request: Request[Any, Any, Any]) -> s.QueuedOut:
        await credentials.resend_verification(ctx.pool, ctx.clock.now(), principal_of(request))
        return s.QueuedOut()


class StaffUserController(Controller):
    """Staff accounts are the city's admins' (`city_staff`): a district's admin gets 403."""

    path = "/api/v1/admin/users"
    tags = ["admin"]
    guards = [has_role(Role.ADMIN), city_staff]

    @post(
        operation_id="create_staff_user",
        status_code=HTTP_201_CREATED,
        responses=problems(401, 403, 409, 422),
        summary="Create a staff user with roles",
    )
    async def create(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[s.StaffUserIn]
    ) -> s.CreatedOut:
        actor = principal_of(request).actor
        return s.CreatedOut(
            await services.create_staff_user(ctx.pool, ctx.clock.now(), actor, data)
        )

    @get(operation_id="list_staff_users", responses=problems(401, 403), summary="Staff users")
    async def list_users(self, ctx: Ctx) -> list[s.StaffUserOut]:
        return await services.list_staff(ctx.pool)

    @put(
        "/{user_id:uuid}/roles",
        operation_id="set_staff_roles",
        responses=problems(401, 403, 404, 409, 422),
        summary="Replace a staff user's roles",
    )
    async def set_roles(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        data: JSONBody[s.RolesIn],
    ) -> s.StaffUserOut:
        return await services.set_roles(
            ctx.pool, ctx.clock.now(), principal_of(request), user_id, data
        )

    @put(
        "/{user_id:uuid}/districts",
        operation_id="set_staff_districts",
        responses=problems(401, 403, 404, 422),
        summary="Set a staff user's scope: districts (GB/T 2260), or none for the city; "
        "their sign-ins end at once",
    )
    async def set_districts(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        data: JSONBody[s.DistrictsIn],
    ) -> s.StaffUserOut:
        return await services.set_districts(
            ctx.pool, ctx.clock.now(), principal_of(request), user_id, data, ctx.callers
        )

    @put(
        "/{user_id:uuid}/active",
        operation_id="set_staff_active",
        responses=problems(401, 403, 404, 409, 422),
        summary="Deactivate (or reactivate) a staff account: its sign-ins stop at once",
    )
    async def set_active(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        data: JSONBody[s.ActiveIn],
    ) -> s.StaffUserOut:
        return await services.set_active(
            ctx.pool, ctx.clock.now(), principal_of(request), user_id, data.active, ctx.callers
        )
