"""The work queue's items: an application's summary with where it waits and for how long."""

from __future__ import annotations

import msgspec

from portal.applications.schemas import ApplicationSummary


class QueueItem(ApplicationSummary, kw_only=True):
    # Who acts next (domain.stages.STAGES); None once the application is finished.
    stage: str | None
    age_working_days: int  # since it entered its status, today counted
    sla_working_days: int | None  # its program version's limit, at the review stages only
    overdue: bool  # longer than the limit


class QueuePage(msgspec.Struct):
    items: list[QueueItem]
    next_cursor: str | None
