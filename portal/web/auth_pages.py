"""Sign-in, sign-out, registration (with the USCC checked as it is typed), language switch."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.errors import RuleViolation
from domain.uscc import parse_uscc
from portal.accounts import identities
from portal.accounts import schemas as account_schemas
from portal.accounts import services as accounts
from portal.auth.client_address import client_address
from portal.auth.middleware import SESSION_COOKIE
from portal.context import Ctx
from portal.errors import ProblemError
from portal.i18n import language_of
from portal.web import sessions
from portal.web.templating import page

AnyRequest = Request[Any, Any, Any]
Form = Body(media_type=RequestEncodingType.URL_ENCODED)


def _home_for(request: AnyRequest) -> str:
    user = request.scope.get("user")
    if user is None:
        return "/"
    return "/app" if user.org_id is not None else "/console"


class LoginForm(msgspec.Struct):
    email: str = ""
    password: str = ""
    next: str = ""


class RegisterForm(msgspec.Struct):
    org_name: str = ""
    uscc: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    name: str = ""
    email: str = ""
    password: str = ""


# Where the API's body puts each field of the registration form.
_FORM_FIELDS = {
    "org.name": "org_name",
    "org.uscc": "uscc",
    "org.contact_name": "contact_name",
    "org.contact_phone": "contact_phone",
    "user.email": "email",
    "user.password": "password",
    "user.name": "name",
}


def _errors(exc: ProblemError | RuleViolation, language: str) -> dict[str, str]:
    violations = exc.errors if isinstance(exc, ProblemError) else [exc]
    out = {}
    for v in violations or []:
        out[(v.field or "form").split(".")[-1]] = v.message_zh if language == "zh" else v.message
    if not out and isinstance(exc, ProblemError):
        out["form"] = exc.detail_zh if language == "zh" else exc.detail_en
    return out


OIDC_REGISTER_COOKIE = "oidc_register"


async def _identity(ctx: Ctx, request: AnyRequest) -> identities.Identity | None:
    """The identity a sign-in with the provider left waiting for its registration, if any."""
    return await identities.waiting(
        ctx.pool, request.cookies.get(OIDC_REGISTER_COOKIE), ctx.clock.now()
    )


class AuthPages(Controller):
    include_in_schema = False

    @get("/login")
    async def login_form(self, request: AnyRequest, next: FromQuery[str | None] = None) -> Template:
        return page(request, "login.html", form=LoginForm(next=next or ""), errors={})

    @post("/login")
    async def login(
        self, ctx: Ctx, request: AnyRequest, data: Annotated[LoginForm, Form]
    ) -> Response[Any]:
        address = client_address(request, ctx.settings.trusted_proxies)
        try:
            secret = await sessions.open_session(
                ctx.pool, ctx.clock.now(), data.email, data.password, address
            )
        except ProblemError as exc:
            return page(
                request,
                "login.html",
                status_code=exc.status,
                form=data,
                errors=_errors(exc, language_of(request)),
            )
        response = Redirect(sessions.safe_next(data.next, "/after-login"))
        sessions.set_cookie(response, secret, secure=ctx.settings.secure_cookies)
        return response

    @get("/after-login")
    async def after_login(self, request: AnyRequest) -> Redirect:
        return Redirect(_home_for(request))

    @post("/logout")
    async def logout(self, ctx: Ctx, request: AnyRequest) -> Redirect:
        user, secret = request.scope.get("user"), request.scope.get("auth")
        if user is not None and isinstance(secret, str):
            await sessions.close_session(ctx.pool, ctx.clock.now(), user, secret)
        response = Redirect("/")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/register")
    async def register_form(self, ctx: Ctx, request: AnyRequest) -> Template:
        identity = await _identity(ctx, request)
        form = (
            RegisterForm(email=identity.email, name=identity.name) if identity else RegisterForm()
        )
        return page(request, "register.html", form=form, errors={}, identity=identity)

    @post("/register")
    async def register(
        self, ctx: Ctx, request: AnyRequest, data: Annotated[RegisterForm, Form]
    ) -> Response[Any]:
        identity = await _identity(ctx, request)
        if identity is not None:  # the address is the one the provider verified
            data = msgspec.structs.replace(data, email=identity.email)
        try:
            body = msgspec.convert(
                {
                    "org": {
                        "name": data.org_name,
                        "uscc": data.uscc,
                        "contact_name": data.contact_name,
                        "contact_phone": data.contact_phone,
                    },
                    "user": {"email": data.email, "password": data.password, "name": data.name},
                },
                account_schemas.RegisterIn,
            )
            registered = await accounts.register(
                ctx.pool,
                ctx.clock.now(),
                body,
                language=language_of(request),
                identity=identity,
                address=client_address(request, ctx.settings.trusted_proxies),
            )
        except msgspec.ValidationError as exc:
            path = str(exc).rsplit("`$.", 1)[-1].rstrip("`") if "`$." in str(exc) else ""
            field = _FORM_FIELDS.get(path, "form")
            zh = language_of(request) == "zh"
            return page(
                request,
                "register.html",
                status_code=422,
                form=data,
                errors={field: "请检查此项" if zh else "Please check this field"},
                identity=identity,
            )
        except (ProblemError, RuleViolation) as exc:
            return page(
                request,
                "register.html",
                status_code=422,
                form=data,
                errors=_errors(exc, language_of(request)),
                identity=identity,
            )
        if identity is not None:  # signed in already, by the provider
            await identities.forget(ctx.pool, request.cookies.get(OIDC_REGISTER_COOKIE, ""))
            secret = await sessions.open_session_for(
                ctx.pool,
                ctx.clock.now(),
                registered.user.id,
                client_address(request, ctx.settings.trusted_proxies),
                via="oidc",
            )
            response: Response[Any] = Redirect("/after-login")
            sessions.set_cookie(response, secret, secure=ctx.settings.secure_cookies)
            response.delete_cookie(OIDC_REGISTER_COOKIE, path="/register")
            return response
        return page(
            request,
            "login.html",
            form=LoginForm(email=data.email),
            errors={},
            registered=True,
            verify_sent=True,
        )

    @get("/register/check-uscc")
    async def check_uscc(self, request: AnyRequest, uscc: FromQuery[str] = "") -> Template:
        """The partial under the USCC field, refreshed by htmx as the user types."""
        language = language_of(request)
        if not uscc.strip():
            return page(request, "_uscc.html", ok=None, message="")
        try:
            code = parse_uscc(uscc[:40])
        except RuleViolation as v:
            return page(
                request,
                "_uscc.html",
                ok=False,
                message=v.message_zh if language == "zh" else v.message,
            )
        return page(
            request,
            "_uscc.html",
            ok=True,
            division=code.division_code,
            wuhan=code.registered_in_wuhan,
            message="",
        )

    @get("/lang/{code:str}")
    async def switch_language(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: FromPath[str],
        next: FromQuery[str | None] = None,
    ) -> Redirect:
        language = "en" if code == "en" else "zh"
        user = request.scope.get("user")
        if user is not None:
            await sessions.set_language(ctx.pool, user, language)  # remembered per user
        response = Redirect(sessions.safe_next(next, "/"))
        response.set_cookie(
            "lang",
            language,
            max_age=365 * 86400,
            samesite="lax",
            path="/",
            secure=ctx.settings.secure_cookies,
        )
        return response
