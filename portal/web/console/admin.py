"""Users and roles, dead letters, and the audit log with its verify result: all the city's
(`city_staff`). The log holds every district's trail (organizations, users, documents as well as
applications), so a district's auditor or admin reads none of it rather than a filtered part."""

from __future__ import annotations

from typing import Annotated, Any, get_args
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template

from domain.districts import WUHAN_DISTRICTS
from portal.accounts import schemas as account_schemas
from portal.accounts import services as accounts
from portal.auth.guards import city_staff, principal_of
from portal.context import Ctx
from portal.i18n import language_of
from portal.notifications import services as notifications
from portal.web.console.common import ADMIN_ONLY, AUDIT_READERS, AnyRequest, render, see_other
from portal.web.forms import REFUSALS, Errors, failure, read_form, text
from sql import audit
from sql.queries import Q

ROLE_NAMES: tuple[str, ...] = get_args(account_schemas.RoleName)
AUDIT_PAGE = 50
DEAD_PAGE = 50


class AdminPages:
    """Mixed into ConsolePages (path /console)."""

    # ------------------------------------------------------------------ users

    @get("/users", guards=[ADMIN_ONLY, city_staff])
    async def users(self, ctx: Ctx, request: AnyRequest) -> Template:
        return await _users_page(ctx, request)

    @post("/users", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def create_user(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        roles = [r for r in form.getall("roles", []) if isinstance(r, str)]
        districts = [d for d in form.getall("districts", []) if isinstance(d, str)]
        try:
            data = msgspec.convert(
                {
                    "email": text(form, "email"),
                    "name": text(form, "name"),
                    "password": form.get("password") or "",
                    "roles": roles,
                    "districts": districts,
                },
                account_schemas.StaffUserIn,
            )
            await accounts.create_staff_user(
                ctx.pool, ctx.clock.now(), principal_of(request).actor, data
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            if "roles" in errors or "roles.0" in errors:
                errors["roles"] = errors.pop("roles.0", errors.get("roles", ""))
            return await _users_page(
                ctx,
                request,
                status_code=status,
                errors={f"new:{k}": v for k, v in errors.items()},
                submitted={
                    "email": text(form, "email"),
                    "name": text(form, "name"),
                    "roles": roles,
                    "districts": districts,
                },
            )
        return see_other("/console/users?done=created")

    @post("/users/{user_id:uuid}/roles", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def set_roles(
        self, ctx: Ctx, request: AnyRequest, user_id: FromPath[UUID]
    ) -> Redirect | Template:
        form = await read_form(request)
        roles = [r for r in form.getall("roles", []) if isinstance(r, str)]
        try:
            data = msgspec.convert({"roles": roles}, account_schemas.RolesIn)
            await accounts.set_roles(
                ctx.pool, ctx.clock.now(), principal_of(request), user_id, data
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return await _users_page(
                ctx,
                request,
                status_code=status,
                errors={f"{user_id}:{k}": v for k, v in errors.items()},
            )
        return see_other("/console/users?done=roles")

    @post("/users/{user_id:uuid}/districts", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def set_districts(
        self, ctx: Ctx, request: AnyRequest, user_id: FromPath[UUID]
    ) -> Redirect | Template:
        form = await read_form(request)
        districts = [d for d in form.getall("districts", []) if isinstance(d, str)]
        try:
            data = msgspec.convert({"districts": districts}, account_schemas.DistrictsIn)
            await accounts.set_districts(
                ctx.pool, ctx.clock.now(), principal_of(request), user_id, data, ctx.callers
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return await _users_page(
                ctx,
                request,
                status_code=status,
                errors={f"{user_id}:districts": " ".join(errors.values())},
            )
        return see_other("/console/users?done=scope")

    @post("/users/{user_id:uuid}/active", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def set_active(
        self, ctx: Ctx, request: AnyRequest, user_id: FromPath[UUID]
    ) -> Redirect | Template:
        form = await read_form(request)
        active = text(form, "active") == "true"
        try:
            await accounts.set_active(
                ctx.pool, ctx.clock.now(), principal_of(request), user_id, active, ctx.callers
            )
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return await _users_page(
                ctx,
                request,
                status_code=status,
                errors={f"{user_id}:{k}": v for k, v in errors.items()},
            )
        return see_other(f"/console/users?done={'activated' if active else 'deactivated'}")

    # ------------------------------------------------------------------ dead letters

    @get("/dead-letters", guards=[ADMIN_ONLY, city_staff])
    async def dead_letters(
        self,
        ctx: Ctx,
        request: AnyRequest,
        cursor: Annotated[str | None, Parameter(max_length=20)] = None,
    ) -> Template:
        return await _dead_page(ctx, request, cursor)

    @post("/dead-letters/{delivery_id:int}/retry", status_code=303, guards=[ADMIN_ONLY, city_staff])
    async def retry(
        self, ctx: Ctx, request: AnyRequest, delivery_id: FromPath[int]
    ) -> Redirect | Template:
        try:
            await notifications.retry(ctx.pool, ctx.clock.now(), principal_of(request), delivery_id)
        except REFUSALS as exc:
            errors, _, status = failure(exc, language_of(request))
            return await _dead_page(
                ctx,
                request,
                None,
                status_code=status,
                errors={"form": f"#{delivery_id}: {' '.join(errors.values())}"},
            )
        return see_other(f"/console/dead-letters?done={delivery_id}")

    # ------------------------------------------------------------------ audit

    @get("/audit", guards=[AUDIT_READERS, city_staff])
    async def audit_log(
        self,
        ctx: Ctx,
        request: AnyRequest,
        before: Annotated[int | None, Parameter(ge=1)] = None,
        entity_type: Annotated[str | None, Parameter(max_length=40)] = None,
        entity_id: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Template:
        rows = await ctx.pool.fetch(
            Q.audit_recent,
            before,
            (entity_type or "").strip() or None,
            (entity_id or "").replace("\x00", "").strip() or None,
            AUDIT_PAGE + 1,
        )
        events = [_event(r) for r in rows[:AUDIT_PAGE]]
        more = len(rows) > AUDIT_PAGE
        return render(
            request,
            "audit.html",
            events=events,
            next_before=events[-1]["seq"] if more and events else None,
            paged=before is not None,
            filters={"entity_type": entity_type or "", "entity_id": entity_id or ""},
        )

    @get("/audit/verify", guards=[AUDIT_READERS, city_staff])
    async def audit_verify(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The chain's check (as `portal audit verify`), loaded by htmx after the page."""
        async with ctx.pool.acquire() as conn:
            result = await audit.verify(conn)
        return render(request, "_audit_verify.html", result=result)


def _event(r: Any) -> dict[str, Any]:
    data = dict(r["data"] or {})
    return {
        "seq": r["seq"],
        "at": r["at"],
        "actor": r["actor_name"] or data.get("actor_name") or r["actor"],
        "actor_raw": r["actor"],
        "action": r["action"],
        "entity_type": r["entity_type"],
        "entity_id": r["entity_id"],
        "data": msgspec.json.encode(data).decode() if data else "",
    }


async def _users_page(
    ctx: Ctx,
    request: AnyRequest,
    *,
    status_code: int = 200,
    errors: Errors | None = None,
    submitted: dict[str, Any] | None = None,
) -> Template:
    return render(
        request,
        "users.html",
        status_code=status_code,
        users=await accounts.list_staff(ctx.pool),
        role_names=ROLE_NAMES,
        district_codes=sorted(WUHAN_DISTRICTS),
        errors=errors or {},
        submitted=submitted or {"email": "", "name": "", "roles": [], "districts": []},
        done=request.query_params.get("done")
        if request.query_params.get("done")
        in (
            "created",
            "roles",
            "scope",
            "activated",
            "deactivated",
        )
        else None,
        me=principal_of(request).user_id,
    )


async def _dead_page(
    ctx: Ctx,
    request: AnyRequest,
    cursor: str | None,
    *,
    status_code: int = 200,
    errors: Errors | None = None,
) -> Template:
    page = await notifications.dead_letters(ctx.pool, DEAD_PAGE, cursor)
    return render(
        request,
        "dead_letters.html",
        status_code=status_code,
        items=page.items,
        next_cursor=page.next_cursor,
        paged=bool(cursor),
        errors=errors or {},
        done=request.query_params.get("done"),
    )
