from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath

from domain.notices import TITLE_ZH, Kind
from portal.auth.client_address import client_address
from portal.auth.guards import principal_of, signed_in
from portal.auth.middleware import on_loop
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of
from portal.notices import schemas as s
from portal.notices import services

AnyRequest = Request[Any, Any, Any]
PDF = "application/pdf"

_PDF_RESPONSE = ResponseSpec(data_container=bytes, media_type=PDF, description="The notice (PDF)")


def pdf_response(found: s.NoticeFile) -> Response[bytes]:
    """The PDF as an attachment named by its reference (and, for those who can, its title)."""
    title = TITLE_ZH[Kind(found.kind)]
    return Response(
        found.content,
        media_type=PDF,
        headers={
            "Content-Disposition": (
                f'attachment; filename="{found.reference}-{found.kind}.pdf"; '
                f"filename*=UTF-8''{quote(f'{found.reference}-{title}.pdf')}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


class NoticeController(Controller):
    """An application's notices on paper, for its organization and for staff."""

    path = "/api/v1/applications"
    tags = ["notices"]

    @get(
        "/{application_id:uuid}/notices/{kind:str}",
        operation_id="get_application_notice",
        guards=[on_loop(signed_in)],
        media_type=PDF,
        responses={200: _PDF_RESPONSE, **problems(401, 404, 409, 503)},
        summary="An application's notice as PDF: filing, decision or payment",
        description=(
            "`filing`: the filing recognition notice (备案确认书) of a recognized filing; "
            "`decision`: the award decision (资金奖励决定书) with the award's breakdown, once "
            "approved; `payment`: the payment advice (拨付通知书) once paid. Issued on the first "
            "request and printed from the same facts ever after; each carries a verification "
            "code for `/api/v1/public/notices/{code}`. Not yet in the status: 409 "
            "`notice_not_available`; no Chinese font on the server: 503 `pdf_unavailable`."
        ),
    )
    async def application_notice(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID], kind: FromPath[str]
    ) -> Response[bytes]:
        found = await services.application_notice(
            ctx.pool, ctx.settings, ctx.clock.now(), principal_of(request), application_id, kind
        )
        return pdf_response(found)


class PublicNoticeController(Controller):
    """Anyone checks a notice by its code, and prints a publicity batch's notice."""

    path = "/api/v1/public"
    tags = ["public"]

    @get(
        "/notices/{code:str}",
        operation_id="verify_notice",
        responses=problems(404, 429),
        summary="Check a notice by the verification code printed on it",
    )
    async def verify(self, ctx: Ctx, request: AnyRequest, code: FromPath[str]) -> s.VerifiedNotice:
        return await services.verify(
            ctx.pool,
            ctx.clock.now(),
            code,
            client_address(request, ctx.settings.trusted_proxies),
            language_of(request),
        )

    @get(
        "/publicity-batches/{batch_id:uuid}/notice",
        operation_id="get_publicity_notice",
        media_type=PDF,
        responses={200: _PDF_RESPONSE, **problems(404, 409, 429, 503)},
        summary="A publicity batch's notice (公示公告) as PDF, from the batch's first day",
    )
    async def publicity_notice(
        self, ctx: Ctx, request: AnyRequest, batch_id: FromPath[UUID]
    ) -> Response[bytes]:
        found = await services.publicity_notice(
            ctx.pool,
            ctx.settings,
            ctx.clock.now(),
            request.scope.get("user"),
            batch_id,
            client_address(request, ctx.settings.trusted_proxies),
        )
        return pdf_response(found)
