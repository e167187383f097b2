"""Scenario projects on the shared lifecycle: a yearly call, expert scores, 30 % of investment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from domain import scenario as rules
from domain.definition.model import DocumentRequirement
from domain.errors import RuleViolation
from domain.event_support import ReviewedLine, required
from domain.money import Money, parse_money
from domain.programs import Award, scenario_project_award
from portal.applications.program_params import version_params
from portal.applications.types import Draft, StoredLine, TypeHandler
from portal.scenario.schemas import ScenarioProject
from sql.queries import Q


class ScenarioProjectHandler(TypeHandler):
    type = "scenario_project"
    program_code = "scenario-project"
    documents = (
        DocumentRequirement(kind="plan", label_zh="项目实施方案", label_en="Project plan"),
    )
    payload_type = ScenarioProject
    lines_field = "investment_lines"
    line_kind = "investment"
    money_fields = frozenset({"total_investment"})

    async def draft(
        self, conn: asyncpg.Connection, org: asyncpg.Record, version: int, payload: Any
    ) -> Draft:
        data, lines = self.split(payload)
        requested = None
        if payload.total_investment is not None:
            params, _ = await version_params(conn, self.program_code, version)
            requested = scenario_project_award(
                params, parse_money(payload.total_investment, "total_investment")
            ).amount
        return Draft(self.title(payload), data, lines, version, amount_requested=requested)

    def _shape(self, payload: Any, lines: list[StoredLine]) -> list[RuleViolation]:
        errors = [
            required(n)
            for n in ("call_year", "title", "field", "total_investment", "starts_on", "ends_on")
            if getattr(payload, n) is None
        ]
        if not lines:
            errors.append(required("investment_lines"))
        if payload.total_investment is not None:
            errors += rules.check_investment(
                parse_money(payload.total_investment, "total_investment"), [x.amount for x in lines]
            )
        if payload.starts_on and payload.ends_on and payload.ends_on < payload.starts_on:
            errors.append(
                RuleViolation(
                    "invalid_input",
                    "The project cannot end before it starts.",
                    field="ends_on",
                    message_zh="项目结束日期不能早于开始日期。",
                )
            )
        return errors

    async def check_submit(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> list[RuleViolation]:
        if payload.call_year is not None:
            call = await conn.fetchrow(Q.call_of, self.program_code, payload.call_year)
            try:
                rules.check_call(
                    (call["opens_on"], call["closes_on"]) if call else None,
                    payload.call_year,
                    today,
                )
            except RuleViolation as v:
                return [v]
        return self._shape(payload, lines)

    async def check_approve(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> None:
        errors = self._shape(payload, lines)
        if errors:
            raise errors[0]

    async def call_closes_on(
        self, conn: asyncpg.Connection, app: asyncpg.Record, today: dt.date
    ) -> dt.date | None:
        year = app["payload"].get("call_year")
        call = await conn.fetchrow(Q.call_of, self.program_code, year) if year else None
        return call["closes_on"] if call else None

    async def experts(self, conn: asyncpg.Connection, app: asyncpg.Record) -> int:
        return rules.MIN_SCORES

    async def award(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        reviewed: list[ReviewedLine],
    ) -> Award | None:
        params, _ = await version_params(conn, self.program_code, app["program_version"])
        return scenario_project_award(params, sum((r.approved for r in reviewed), Money.ZERO))
