"""The pages an e-mailed link leads to (verify the address, reset the password, accept an
invitation), the password change, and sign-in with the OpenID Connect provider. Each form calls
the same service as the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from portal.accounts import credentials, identities
from portal.accounts import schemas as s
from portal.auth.client_address import client_address
from portal.auth.guards import principal_of, signed_in
from portal.context import Ctx
from portal.i18n import language_of
from portal.web import sessions
from portal.web.auth_pages import OIDC_REGISTER_COOKIE, LoginForm
from portal.web.forms import REFUSALS, failure, read_form, text
from portal.web.templating import page

AnyRequest = Request[Any, Any, Any]
OIDC_STATE_COOKIE = "oidc_state"


@dataclass(frozen=True)
class Form:
    """One of the account's forms: its words (i18n keys) and fields."""

    title: str
    action: str
    button: str
    fields: tuple[tuple[str, str, str, str], ...]  # name, label key, type, autocomplete
    help: str | None = None


_NEW_PASSWORD = ("password", "new_password", "password", "new-password")
RESET = Form(
    "password_reset",
    "/password-reset",
    "send_reset_link",
    (("email", "email", "email", "username"),),
    "password_reset_help",
)
RESET_CONFIRM = Form(
    "password_reset", "/password-reset/confirm", "set_new_password", (_NEW_PASSWORD,)
)
VERIFY = Form("verify_email_title", "/verify-email", "verify_email_button", ())
ACCEPT = Form(
    "accept_invitation",
    "/invitations/accept",
    "accept_invitation",
    (("name", "name", "text", "name"), _NEW_PASSWORD),
    "accept_invitation_help",
)
CHANGE = Form(
    "change_password",
    "/account/password",
    "change_password",
    (
        ("current_password", "current_password", "password", "current-password"),
        ("new_password", "new_password", "password", "new-password"),
    ),
)


def _show(
    request: AnyRequest,
    form: Form,
    *,
    status_code: int = 200,
    token: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str | None = None,
    next_link: str | None = None,
    next_label: str = "login",
) -> Template:
    return page(
        request,
        "account.html",
        status_code=status_code,
        title=form.title,
        action=form.action,
        button=form.button,
        fields=form.fields,
        field_names=[f[0] for f in form.fields],
        help=form.help,
        token=token,
        errors=errors or {},
        values=values or {},
        done=done,
        next_link=next_link,
        next_label=next_label,
    )


def _refused(request: AnyRequest, form: Form, exc: Exception, token: str, values: Any) -> Template:
    errors, _, status = failure(exc, language_of(request))
    return _show(request, form, status_code=status, token=token, errors=errors, values=values)


class AccountPages(Controller):
    include_in_schema = False

    @get("/password-reset")
    async def reset_form(self, request: AnyRequest) -> Template:
        return _show(request, RESET)

    @post("/password-reset")
    async def reset(self, ctx: Ctx, request: AnyRequest) -> Template:
        form = await read_form(request)
        try:
            data = msgspec.convert({"email": text(form, "email")}, s.ResetRequestIn)
            address = client_address(request, ctx.settings.trusted_proxies)
            await credentials.request_reset(ctx.pool, ctx.clock.now(), data.email, address)
        except REFUSALS as exc:
            return _refused(request, RESET, exc, "", {"email": text(form, "email")})
        return _show(request, RESET, done="reset_sent")

    @get("/password-reset/confirm")
    async def reset_confirm_form(self, request: AnyRequest, token: FromQuery[str] = "") -> Template:
        return _show(request, RESET_CONFIRM, token=token[:200])

    @post("/password-reset/confirm")
    async def reset_confirm(self, ctx: Ctx, request: AnyRequest) -> Template:
        form = await read_form(request)
        token = text(form, "token")
        try:
            data = msgspec.convert(
                {"token": token, "password": text(form, "password")}, s.ResetConfirmIn
            )
            await credentials.confirm_reset(ctx.pool, ctx.clock.now(), data.token, data.password)
        except REFUSALS as exc:
            return _refused(request, RESET_CONFIRM, exc, token, {})
        return _show(request, RESET_CONFIRM, done="password_reset_done", next_link="/login")

    @get("/verify-email")
    async def verify_form(self, request: AnyRequest, token: FromQuery[str] = "") -> Template:
        # A button, not the GET itself: mail scanners that open links would use the link up.
        return _show(request, VERIFY, token=token[:200])

    @post("/verify-email")
    async def verify(self, ctx: Ctx, request: AnyRequest) -> Template:
        form = await read_form(request)
        token = text(form, "token")
        try:
            data = msgspec.convert({"token": token}, s.TokenIn)
            await credentials.verify_email(ctx.pool, ctx.clock.now(), data.token)
        except REFUSALS as exc:
            return _refused(request, VERIFY, exc, token, {})
        signed = request.scope.get("user") is not None
        return _show(
            request,
            VERIFY,
            done="email_verified_done",
            next_link="/app" if signed else "/login",
            next_label="my_applications" if signed else "login",
        )

    @get("/invitations/accept")
    async def accept_form(self, request: AnyRequest, token: FromQuery[str] = "") -> Template:
        return _show(request, ACCEPT, token=token[:200])

    @post("/invitations/accept")
    async def accept(self, ctx: Ctx, request: AnyRequest) -> Template:
        form = await read_form(request)
        token = text(form, "token")
        values = {"name": text(form, "name")}
        try:
            data = msgspec.convert(
                {"token": token, "name": values["name"], "password": text(form, "password")},
                s.InvitationAcceptIn,
            )
            await credentials.accept_invitation(ctx.pool, ctx.clock.now(), data)
        except REFUSALS as exc:
            return _refused(request, ACCEPT, exc, token, values)
        return _show(request, ACCEPT, done="invitation_accepted", next_link="/login")

    @get("/account/password", guards=[signed_in])
    async def change_form(self, request: AnyRequest) -> Template:
        return _show(request, CHANGE)

    @post("/account/password", guards=[signed_in])
    async def change(self, ctx: Ctx, request: AnyRequest) -> Template:
        form = await read_form(request)
        try:
            data = msgspec.convert(
                {k: text(form, k) for k in ("current_password", "new_password")},
                s.PasswordChangeIn,
            )
            secret = request.scope.get("auth")
            await credentials.change_password(
                ctx.pool,
                ctx.clock.now(),
                principal_of(request),
                data,
                keep_session=secret if isinstance(secret, str) else None,
            )
        except REFUSALS as exc:
            return _refused(request, CHANGE, exc, "", {})
        return _show(request, CHANGE, done="password_changed")

    # ------------------------------------------------------------------ single sign-on

    @get("/auth/oidc/start")
    async def oidc_start(
        self, ctx: Ctx, request: AnyRequest, next: FromQuery[str | None] = None
    ) -> Response[Any]:
        if not ctx.settings.oidc_enabled:
            return Redirect("/login")
        url, state = await identities.start(
            ctx.pool,
            ctx.oidc(),
            ctx.settings,
            ctx.clock.now(),
            sessions.safe_next(next, "/"),
            client_address(request, ctx.settings.trusted_proxies),
        )
        response = Redirect(url)
        # Lax: the provider's redirect back is a top-level GET, which carries it.
        response.set_cookie(
            OIDC_STATE_COOKIE,
            state,
            max_age=int(identities.SIGN_IN_TIME.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=ctx.settings.secure_cookies,
            path="/auth/oidc",
        )
        return response

    @get("/auth/oidc/callback")
    async def oidc_callback(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: FromQuery[str] = "",
        oauth_state: Annotated[str, QueryParameter(name="state")] = "",  # `state`: Litestar's
    ) -> Response[Any]:
        try:
            outcome = await identities.finish(
                ctx.pool,
                ctx.oidc(),
                ctx.settings,
                ctx.clock.now(),
                code=code[:2000],
                state=oauth_state[:200],
                browser_state=request.cookies.get(OIDC_STATE_COOKIE),
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return page(
                request,
                "login.html",
                status_code=status,
                form=LoginForm(),
                errors={"form": next(iter(errors.values()))},
            )
        if outcome.user_id is None:
            assert outcome.registration is not None
            response: Response[Any] = Redirect("/register")
            response.set_cookie(
                OIDC_REGISTER_COOKIE,
                outcome.registration,
                max_age=int(identities.REGISTER_TIME.total_seconds()),
                httponly=True,
                samesite="lax",
                secure=ctx.settings.secure_cookies,
                path="/register",
            )
        else:
            address = client_address(request, ctx.settings.trusted_proxies)
            secret = await sessions.open_session_for(
                ctx.pool, ctx.clock.now(), outcome.user_id, address, via="oidc"
            )
            response = Redirect(sessions.safe_next(outcome.next_path, "/after-login"))
            sessions.set_cookie(response, secret, secure=ctx.settings.secure_cookies)
        response.delete_cookie(OIDC_STATE_COOKIE, path="/auth/oidc")
        return response
