"""What an application's page shows whatever its form: the application as its organization
sees it, whether it can still be edited, its documents and its timeline."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.lifecycle import EDITABLE, Status
from portal.applications.schemas import ApplicationOut
from portal.applications.views import application_out
from portal.auth.guards import principal_of
from portal.context import Context
from portal.documents import services as documents
from portal.i18n import language_of
from portal.programs.forms import Bound, bound
from portal.web.applicant.common import REFUSALS, AnyRequest
from portal.web.applicant.forms import Spec, spec_of


async def bound_for(ctx: Context, app: ApplicationOut) -> Bound:
    return await bound(ctx.pool, app.program_code, app.program_version, app.type)


async def spec_for(ctx: Context, app: ApplicationOut) -> Spec:
    """The page form of an application, made from its program version's definition."""
    return spec_of(await bound_for(ctx, app))


def editable(app: ApplicationOut) -> bool:
    return Status(app.status) in EDITABLE


async def load(ctx: Context, request: AnyRequest, application_id: UUID) -> ApplicationOut:
    """The application as its organization sees it; another organization's is a 404 page."""
    return await application_out(
        ctx.pool, application_id, principal_of(request), language_of(request)
    )


async def document_list(
    ctx: Context, request: AnyRequest, refs: list[dict[str, str]]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    principal = principal_of(request)
    for ref in refs:
        try:
            meta = await documents.meta(ctx.pool, principal, UUID(ref["document_id"]))
        except (*REFUSALS, ValueError):
            out.append({**ref, "meta": None})
            continue
        out.append({**ref, "meta": meta})
    return out
