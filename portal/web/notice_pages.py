"""Notices from the pages: the public verification page (a code typed or followed from the
paper), and the PDF downloads of the applicant's and the console's application pages, which
take the session cookie (the API does not) and call the same service as the API."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, Parameter
from litestar.response import Template

from domain.accounts import STAFF_ROLES
from portal.auth.client_address import client_address
from portal.auth.guards import has_role, org_member, principal_of
from portal.context import Context, Ctx
from portal.errors import ProblemError
from portal.i18n import language_of
from portal.notices import services as notices
from portal.notices.controllers import pdf_response
from portal.web.errors import PAGE_EXCEPTION_HANDLERS
from portal.web.templating import page

AnyRequest = Request[Any, Any, Any]


class NoticePages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS

    @get("/notices/verify")
    async def verify(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: Annotated[str | None, Parameter(max_length=100)] = None,
    ) -> Template:
        """Without a code, the form; with one, what the notice says, or that none has it."""
        typed = (code or "").strip()
        if not typed:
            return page(request, "notice_verify.html", code="", notice=None, error=None)
        try:
            found = await notices.verify(
                ctx.pool,
                ctx.clock.now(),
                typed,
                client_address(request, ctx.settings.trusted_proxies),
                language_of(request),
            )
        except ProblemError as exc:
            zh = language_of(request) == "zh"
            return page(
                request,
                "notice_verify.html",
                status_code=exc.status,
                headers=exc.headers or None,
                code=typed,
                notice=None,
                error=exc.detail_zh if zh else exc.detail_en,
            )
        return page(request, "notice_verify.html", code=found.code, notice=found, error=None)

    @get("/app/applications/{application_id:uuid}/notices/{kind:str}", guards=[org_member])
    async def applicant_download(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID], kind: FromPath[str]
    ) -> Response[bytes]:
        return await _download(ctx, request, application_id, kind)

    @get(
        "/console/applications/{application_id:uuid}/notices/{kind:str}",
        guards=[has_role(*STAFF_ROLES)],
    )
    async def console_download(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID], kind: FromPath[str]
    ) -> Response[bytes]:
        return await _download(ctx, request, application_id, kind)


async def _download(
    ctx: Context, request: AnyRequest, application_id: UUID, kind: str
) -> Response[bytes]:
    found = await notices.application_notice(
        ctx.pool, ctx.settings, ctx.clock.now(), principal_of(request), application_id, kind
    )
    return pdf_response(found)
