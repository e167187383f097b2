"""The applicant's pages under /app: the organization's applications with their deadlines, a form
for every application type (line editors with running totals, saved as the user goes, document
upload with progress), the final review and submission, each application's award and timeline,
the inbox with notification preferences, and the organization's own page.

Each part lives in `portal/web/applicant/`; every form calls the same service as the API, so no
rule has a second copy here. Pages answer errors as pages (sign-in redirect, 404 page).
"""

from __future__ import annotations

from litestar import Controller

from portal.auth.guards import org_member
from portal.web.applicant.dashboard import DashboardPages
from portal.web.applicant.editing import EditPages
from portal.web.applicant.files import FilePages
from portal.web.applicant.inbox import InboxPages
from portal.web.applicant.organization import OrganizationPages
from portal.web.errors import PAGE_EXCEPTION_HANDLERS


class ApplicantPages(
    DashboardPages,
    EditPages,
    FilePages,
    InboxPages,
    OrganizationPages,
    Controller,
):
    path = "/app"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    guards = [org_member]
