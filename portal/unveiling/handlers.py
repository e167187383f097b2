"""The unveiling award on the shared lifecycle: a fixed amount, once per task and lead unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import msgspec

from domain.definition.model import DocumentRequirement
from domain.errors import RuleViolation
from domain.event_support import ReviewedLine, required
from domain.fingerprint import normalize
from domain.programs import Award, unveiling_award
from portal.applications.program_params import version_params
from portal.applications.types import Draft, StoredLine, TypeHandler
from portal.unveiling.schemas import UnveilingAward
from sql.queries import Q

_FIELDS = (
    "task_list",
    "task_name",
    "task_batch",
    "certificate_no",
    "transformation_summary",
)


class UnveilingAwardHandler(TypeHandler):
    type = "unveiling_award"
    program_code = "unveiling-award"
    documents = (
        DocumentRequirement(
            kind="certificate", label_zh="揭榜任务验收证明", label_en="Proof the task was accepted"
        ),
    )
    payload_type = UnveilingAward

    def title(self, payload: msgspec.Struct) -> str:
        return str(getattr(payload, "task_name", None) or "")

    async def draft(
        self, conn: asyncpg.Connection, org: asyncpg.Record, version: int, payload: Any
    ) -> Draft:
        params, _ = await version_params(conn, self.program_code, version)
        data, lines = self.split(payload)
        return Draft(
            self.title(payload),
            data,
            lines,
            version,
            amount_requested=unveiling_award(params).amount,
        )

    async def check_submit(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> list[RuleViolation]:
        errors = [required(n) for n in _FIELDS if getattr(payload, n) is None]
        if errors:
            return errors
        await conn.execute(Q.lock_org, app["org_id"])
        mine = (normalize(payload.task_name), normalize(payload.certificate_no))
        for other in await conn.fetch(Q.other_live_of_type, app["org_id"], self.type, app["id"]):
            theirs = (
                normalize(other["payload"].get("task_name") or ""),
                normalize(other["payload"].get("certificate_no") or ""),
            )
            if mine[0] == theirs[0] or mine[1] == theirs[1]:
                raise RuleViolation(
                    "claim_exists",
                    "This task already has an award application from your organization.",
                    field="task_name",
                    message_zh="本单位已就该揭榜任务提出申请。",
                    status=409,
                )
        return []

    async def award(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        reviewed: list[ReviewedLine],
    ) -> Award | None:
        params, _ = await version_params(conn, self.program_code, app["program_version"])
        return unveiling_award(params)
