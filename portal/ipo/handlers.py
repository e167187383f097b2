"""Listing rewards on the shared lifecycle: staged domestic (art. 10) and one-time overseas."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import msgspec

from domain import ipo as rules
from domain.definition.model import DocumentRequirement
from domain.errors import RuleViolation
from domain.event_support import ReviewedLine, required
from domain.money import Money, parse_money
from domain.programs import Award, check_ipo_exclusive, ipo_domestic_award, ipo_overseas_award
from domain.uscc import Uscc
from portal.applications.program_params import version_params
from portal.applications.types import Draft, Flag, StoredLine, TypeHandler
from portal.ipo.schemas import IpoDomesticClaim, IpoOverseasClaim
from sql.queries import Q


def _missing(payload: Any, names: tuple[str, ...]) -> list[RuleViolation]:
    return [required(n) for n in names if getattr(payload, n) in (None, [], {})]


async def _others(
    conn: asyncpg.Connection, app: asyncpg.Record | dict[str, Any], type_: str
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        Q.other_live_of_type, app["org_id"], type_, app["id"]
    )
    return rows


class IpoDomesticHandler(TypeHandler):
    type = "ipo_domestic_claim"
    program_code = "ipo-domestic"
    documents = (
        DocumentRequirement(
            kind="disclosure",
            label_zh="辅导备案、受理或上市的公告文件",
            label_en="Disclosure of the stage reached",
        ),
    )
    payload_type = IpoDomesticClaim

    def title(self, payload: msgspec.Struct) -> str:
        p: Any = payload
        return f"{p.exchange or ''} {p.stock_code or ''} 上市奖励 {'/'.join(p.stages)}".strip()

    def subject(self, payload: msgspec.Struct) -> str:
        return ""  # stages of one listing are meant to be claimed apart; the stage rules guard them

    async def draft(
        self, conn: asyncpg.Connection, org: asyncpg.Record, version: int, payload: Any
    ) -> Draft:
        data, lines = self.split(payload)
        return Draft(
            self.title(payload),
            data,
            lines,
            version,
            amount_requested=await self._estimate(
                conn, {"org_id": org["id"], "id": None}, version, payload.stages
            ),
        )

    async def _taken(
        self, conn: asyncpg.Connection, app: asyncpg.Record | dict[str, Any]
    ) -> tuple[frozenset[str], Money]:
        """Stages the firm's other live claims hold, and what its approved ones were awarded."""
        stages: set[str] = set()
        paid = Money.ZERO
        for other in await _others(conn, app, self.type):
            stages.update(other["payload"].get("stages", []))
            if other["amount_approved_fen"] is not None:
                paid += Money(other["amount_approved_fen"])
        return frozenset(stages), paid

    async def _estimate(
        self, conn: asyncpg.Connection, app: dict[str, Any], version: int, stages: list[str]
    ) -> Money | None:
        if not stages:
            return None
        params, _ = await version_params(conn, self.program_code, version)
        taken, paid = await self._taken(conn, app)
        try:
            return ipo_domestic_award(params, stages, paid, taken).amount
        except RuleViolation:
            return None

    async def check_submit(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> list[RuleViolation]:
        await conn.execute(Q.lock_org, app["org_id"])  # one firm's claims are judged one at a time
        org = await conn.fetchrow(Q.org_by_id, app["org_id"])
        rules.check_registered_in_wuhan(Uscc(org["uscc"]))
        errors = _missing(payload, ("exchange", "stock_code", "stages"))
        errors += rules.check_stage_dates(payload.stages, payload.stage_dates, today)
        if errors:
            return errors
        params, _ = await version_params(conn, self.program_code, app["program_version"])
        check_ipo_exclusive(params, bool(await _others(conn, app, "ipo_overseas_claim")))
        taken, paid = await self._taken(conn, app)
        ipo_domestic_award(params, payload.stages, paid, taken)  # stage_already_paid, cap_reached
        return []

    async def award(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        reviewed: list[ReviewedLine],
    ) -> Award | None:
        params, _ = await version_params(conn, self.program_code, app["program_version"])
        taken, paid = await self._taken(conn, app)
        return ipo_domestic_award(params, payload.stages, paid, taken)


class IpoOverseasHandler(TypeHandler):
    type = "ipo_overseas_claim"
    program_code = "ipo-overseas"
    documents = (
        DocumentRequirement(
            kind="disclosure", label_zh="境外上市公告文件", label_en="Listing announcement"
        ),
        DocumentRequirement(
            kind="evidence",
            label_zh="募集资金投放武汉的证明",
            label_en="Proof of funds invested in Wuhan",
            required=False,
        ),
    )
    payload_type = IpoOverseasClaim
    money_fields = frozenset({"raised_total", "invested_in_wuhan"})

    def title(self, payload: msgspec.Struct) -> str:
        p: Any = payload
        return f"{p.exchange or ''} {p.stock_code or ''} 境外上市奖励".strip()

    def subject(self, payload: msgspec.Struct) -> str:
        return ""  # one per firm is a rule of its own

    async def draft(
        self, conn: asyncpg.Connection, org: asyncpg.Record, version: int, payload: Any
    ) -> Draft:
        data, lines = self.split(payload)
        params, _ = await version_params(conn, self.program_code, version)
        return Draft(
            self.title(payload),
            data,
            lines,
            version,
            amount_requested=Money(params.amount_fen),
        )

    async def _rules(self, conn: asyncpg.Connection, app: asyncpg.Record, payload: Any) -> Award:
        await conn.execute(Q.lock_org, app["org_id"])
        params, _ = await version_params(conn, self.program_code, app["program_version"])
        if await _others(conn, app, self.type):
            raise RuleViolation(
                "claim_exists",
                "The overseas listing reward is granted once per firm.",
                message_zh="境外上市奖励每家企业只能申请一次。",
                status=409,
            )
        check_ipo_exclusive(params, bool(await _others(conn, app, "ipo_domestic_claim")))
        exchange = await conn.fetchrow(Q.exchange_on, payload.exchange, payload.listed_on)
        eligible = (
            exchange is not None and exchange["market"] == "overseas" and exchange["eligible"]
        )
        return ipo_overseas_award(
            params,
            eligible,
            parse_money(payload.raised_total, "raised_total"),
            parse_money(payload.invested_in_wuhan, "invested_in_wuhan"),
        )

    async def check_submit(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> list[RuleViolation]:
        errors = _missing(
            payload,
            ("exchange", "listed_on", "raised_total", "invested_in_wuhan", "stock_code"),
        )
        if errors:
            return errors
        params, _ = await version_params(conn, self.program_code, app["program_version"])
        rules.check_overseas_window(params, payload.listed_on, today)
        await self._rules(conn, app, payload)
        return []

    async def check_approve(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        lines: list[StoredLine],
        today: dt.date,
    ) -> None:
        await self._rules(conn, app, payload)  # the window bounds submission, not the decision

    async def award(
        self,
        conn: asyncpg.Connection,
        app: asyncpg.Record,
        payload: Any,
        reviewed: list[ReviewedLine],
    ) -> Award | None:
        return await self._rules(conn, app, payload)

    async def flags(
        self, conn: asyncpg.Connection, app: asyncpg.Record, lines: list[StoredLine]
    ) -> list[Flag]:
        rows = await conn.fetch(Q.follow_ups_due, app["id"])
        return [
            Flag(
                "recovery_due",
                f"Follow-up {r['year']}: less than the required share of funds is invested "
                "in Wuhan; recover the reward.",
                f"{r['year']} 年度跟踪:募集资金投放武汉比例未达要求,应追回奖励。",
                [],
            )
            for r in rows
        ]
