"""Uploaded documents: content-checked, hashed, stored under server-made names."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body, FromPath
from litestar.response import Stream
from litestar.status_codes import HTTP_201_CREATED

from domain.accounts import STAFF_ROLES
from portal.auth.guards import principal_of, signed_in
from portal.context import Ctx
from portal.documents import schemas as s
from portal.documents import services
from portal.documents.sniff import ACCEPTED
from portal.documents.storage import storage_for
from portal.errors import EXCEPTION_HANDLERS, ProblemError, problems
from portal.openapi import RESPONSE_TYPES

# RFC 5987 attr-chars that need no percent-encoding.
_ATTR_CHARS = "!#$&+-.^_`|~"


def member_or_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    principal = principal_of(connection)
    if principal.org_id is None and not principal.has_any(*STAFF_ROLES):
        raise PermissionDeniedException()


def _body_too_large(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    # A body over the app's limit is refused before the handler runs: same answer as a big file.
    return EXCEPTION_HANDLERS[ProblemError](request, services.too_large())  # type: ignore[no-any-return]


def content_disposition(filename: str) -> str:
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe=_ATTR_CHARS)}"
    )


def file_response(found: services.Download) -> Stream:
    """A document's bytes as the API and the pages send them: an attachment, never sniffed."""
    # A header, not media_type: the route's media_type would win over the Stream's.
    return Stream(
        found.chunks,
        headers={
            "Content-Type": found.meta.content_type,
            "Content-Disposition": content_disposition(found.meta.filename),
            "Content-Length": str(found.meta.size_bytes),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


class DocumentController(Controller):
    path = "/api/v1/documents"
    tags = ["documents"]

    @post(
        operation_id="upload_document",
        status_code=HTTP_201_CREATED,
        guards=[member_or_staff],
        exception_handlers={413: _body_too_large},
        responses=problems(401, 403, 413, 415, 422, 503),
        summary="Upload a PDF, JPEG, PNG, OFD or XML document of at most 20 MiB",
    )
    async def upload(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        data: Annotated[s.UploadIn, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> s.DocumentOut:
        upload = data.file
        try:
            content = await upload.read(services.MAX_BYTES + 1)  # one more shows it is too big
        finally:
            await upload.close()
        return await services.upload(
            ctx.pool,
            storage_for(ctx.settings),
            ctx.clock.now(),
            principal_of(request),
            upload.filename,
            content,
        )

    @get(
        "/{document_id:uuid}",
        operation_id="download_document",
        guards=[signed_in],
        media_type="application/octet-stream",
        opt={RESPONSE_TYPES: ACCEPTED},  # sent as what it was recognized to be (file_response)
        responses=problems(401, 404, 503),
        summary="The document's bytes, as an attachment",
    )
    async def download(
        self, ctx: Ctx, request: Request[Any, Any, Any], document_id: FromPath[UUID]
    ) -> Stream:
        found = await services.download(
            ctx.pool, storage_for(ctx.settings), principal_of(request), document_id
        )
        return file_response(found)

    @get(
        "/{document_id:uuid}/meta",
        operation_id="get_document_meta",
        guards=[signed_in],
        responses=problems(401, 404),
        summary="What is known about a document: name, type, size, SHA-256",
    )
    async def meta(
        self, ctx: Ctx, request: Request[Any, Any, Any], document_id: FromPath[UUID]
    ) -> s.DocumentOut:
        return await services.meta(ctx.pool, principal_of(request), document_id)
