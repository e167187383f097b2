"""Objections to awards in publicity, open ones first in the menu: each links to its application,
where an approver resolves it."""

from __future__ import annotations

from typing import Annotated, get_args

from litestar import get
from litestar.params import Parameter
from litestar.response import Template

from portal.auth.guards import principal_of
from portal.context import Ctx
from portal.objections import schemas as s
from portal.objections import services as objections
from portal.web.console.common import AnyRequest, render

STATUSES: tuple[str, ...] = get_args(s.StatusName)


class ObjectionPages:
    """Mixed into ConsolePages (path /console)."""

    @get("/objections")
    async def objections_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        status: Annotated[str | None, Parameter(max_length=20)] = None,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Template:
        # No status in the URL: the open ones, the work. `status=` (empty): all of them.
        chosen = "open" if status is None else (status if status in STATUSES else None)
        page = await objections.list_objections(
            ctx.pool,
            status=chosen,
            application_id=None,
            limit=50,
            cursor=cursor or None,
            districts=principal_of(request).scope(),
        )
        return render(
            request,
            "objections.html",
            items=page.items,
            next_cursor=page.next_cursor,
            status=chosen or "",
            statuses=STATUSES,
        )
