"""Documents from the pages: upload (with progress, by XMLHttpRequest) and download.

Both go through the documents service, which checks the content and the owner. A script upload
(`Accept: application/json`) gets the document back as JSON and the page adds it to the draft
through autosave; a plain form post (no script) is attached to the draft here, with the same
PATCH service, and the form shown again.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Stream, Template

from domain.errors import RuleViolation
from portal.applications import services as applications
from portal.auth.guards import principal_of
from portal.context import Ctx
from portal.documents import services as documents
from portal.documents.controllers import file_response
from portal.documents.storage import storage_for
from portal.errors import ProblemError
from portal.i18n import language_of
from portal.web.applicant.common import (
    REFUSALS,
    AnyRequest,
    problems,
    see_other,
    status_of,
    uuid_or_none,
)
from portal.web.applicant.editing import edit_page
from portal.web.applicant.viewing import load, spec_for
from portal.web.errors import PAGE_EXCEPTION_HANDLERS

KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _wants_json(request: AnyRequest) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _json_refusal(request: AnyRequest, exc: Exception) -> Response[Any]:
    found = problems(exc, language_of(request))
    return Response(
        {"code": found[0].code, "error": ";".join(p.message for p in found)},
        status_code=status_of(exc),
    )


def _too_large(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    # A body over the app's limit is refused before the handler runs: the service's own words.
    exc = documents.too_large()
    if _wants_json(request):
        return _json_refusal(request, exc)
    return PAGE_EXCEPTION_HANDLERS[ProblemError](request, exc)  # type: ignore[no-any-return]


class FilePages:
    """Mixed into ApplicantPages (path /app)."""

    @post("/documents", status_code=201, exception_handlers={413: _too_large})
    async def upload(self, ctx: Ctx, request: AnyRequest) -> Response[Any] | Redirect | Template:
        form = await request.form()
        upload = form.get("file")
        # A program claim's checklist names its own kinds; what is stored is checked at submit.
        kind = str(form.get("kind") or "other")
        kind = kind if KIND.fullmatch(kind) else "other"
        app_id = uuid_or_none(str(form.get("application_id") or ""))
        principal = principal_of(request)
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise RuleViolation(
                    "required",
                    "Choose a file to upload.",
                    field="file",
                    message_zh="请选择要上传的文件。",
                )
            try:
                content = await upload.read(documents.MAX_BYTES + 1)
            finally:
                await upload.close()
            doc = await documents.upload(
                ctx.pool,
                storage_for(ctx.settings),
                ctx.clock.now(),
                principal,
                upload.filename,
                content,
            )
        except REFUSALS as exc:
            if _wants_json(request) or app_id is None:
                return _json_refusal(request, exc)
            app = await load(ctx, request, app_id)
            found = problems(exc, language_of(request), await spec_for(ctx, app))
            message = ";".join(p.message for p in found)
            return await edit_page(
                ctx, request, app, errors={"file": message}, found=found, status_code=status_of(exc)
            )
        if _wants_json(request) or app_id is None:
            return Response(
                {
                    "id": str(doc.id),
                    "filename": doc.filename,
                    "content_type": doc.content_type,
                    "size_bytes": doc.size_bytes,
                    "kind": kind,
                    "url": f"/app/documents/{doc.id}",
                },
                status_code=201,
            )
        # Without script: attach it to the draft here, through the same PATCH as autosave.
        app = await load(ctx, request, app_id)
        refs = list(app.payload.get("documents") or [])
        refs.append({"document_id": str(doc.id), "kind": kind})
        await applications.patch(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal,
            app.id,
            {"documents": refs},
            language_of(request),
        )
        return see_other(f"/app/applications/{app.id}/edit?saved=true#documents")

    @get("/documents/{document_id:uuid}")
    async def download(self, ctx: Ctx, request: AnyRequest, document_id: FromPath[UUID]) -> Stream:
        """The file, for its organization, with the API's headers (an attachment, no sniffing)."""
        found = await documents.download(
            ctx.pool, storage_for(ctx.settings), principal_of(request), document_id
        )
        return file_response(found)
