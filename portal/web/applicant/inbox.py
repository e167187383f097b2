"""The inbox and the notification preferences, through the notifications services."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template

from portal.auth.guards import principal_of
from portal.context import Context, Ctx
from portal.i18n import language_of
from portal.notifications import schemas as note_schemas
from portal.notifications import services as notifications
from portal.web.applicant.common import REFUSALS, AnyRequest, problems, render, see_other, status_of

PAGE_SIZE = 20
DONE = frozenset({"read", "read_all", "preferences"})


async def _inbox_page(
    ctx: Context,
    request: AnyRequest,
    *,
    cursor: str | None = None,
    done: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    principal = principal_of(request)
    listed = await notifications.inbox(ctx.pool, principal, PAGE_SIZE, cursor)
    prefs = await notifications.preferences(ctx.pool, principal)
    topics: dict[str, dict[str, note_schemas.PreferenceOut]] = {}
    for item in prefs.items:
        topics.setdefault(item.topic, {})[item.channel] = item
    channels = sorted({p.channel for p in prefs.items}, key=("inbox", "email", "sms").index)
    return await render(
        request,
        "inbox.html",
        status_code=status_code,
        items=listed.items,
        next_cursor=listed.next_cursor,
        paged=bool(cursor),
        topics=topics,
        channels=channels,
        done=done if done in DONE else None,
        error=error,
    )


class InboxPages:
    """Mixed into ApplicantPages (path /app)."""

    @get("/inbox")
    async def inbox(
        self,
        ctx: Ctx,
        request: AnyRequest,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
        done: Annotated[str | None, Parameter(max_length=20)] = None,
    ) -> Template:
        return await _inbox_page(ctx, request, cursor=cursor or None, done=done)

    @post("/inbox/{notification_id:uuid}/read", status_code=303)
    async def read(
        self, ctx: Ctx, request: AnyRequest, notification_id: FromPath[UUID]
    ) -> Redirect:
        await notifications.read(ctx.pool, ctx.clock.now(), principal_of(request), notification_id)
        return see_other(f"/app/inbox?done=read#n-{notification_id}")

    @post("/inbox/read-all", status_code=303)
    async def read_all(self, ctx: Ctx, request: AnyRequest) -> Redirect:
        await notifications.read_all(ctx.pool, ctx.clock.now(), principal_of(request))
        return see_other("/app/inbox?done=read_all")

    @post("/inbox/preferences", status_code=303)
    async def preferences(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        """Every channel a user may turn off is set from its checkbox; protected ones are left."""
        principal = principal_of(request)
        form = await request.form()
        current = await notifications.preferences(ctx.pool, principal)
        items = [
            {"topic": p.topic, "channel": p.channel, "enabled": f"{p.topic}:{p.channel}" in form}
            for p in current.items
            if not p.protected
        ]
        try:
            data = msgspec.convert({"items": items}, note_schemas.PreferencesIn)
            await notifications.set_preferences(ctx.pool, ctx.clock.now(), principal, data)
        except REFUSALS as exc:
            message = ";".join(p.message for p in problems(exc, language_of(request)))
            return await _inbox_page(ctx, request, error=message, status_code=status_of(exc))
        return see_other("/app/inbox?done=preferences#preferences")
