"""What each notice states, gathered once at issue and kept: only JSON types, amounts in fen
(`…_fen`), dates as ISO text (`…_on`), so the digest of the facts never depends on who reads them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from domain.clock import business_date
from domain.money import parse_money
from domain.notices import TITLE_ZH, Kind
from portal.applications.schemas import ApplicationOut
from portal.programs.contents import shown
from portal.programs.forms import bound
from sql.queries import Q


def base(
    kind: Kind, code: str, reference: str, edition: int, today: dt.date, public_url: str
) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "title": TITLE_ZH[kind],
        "code": code,
        "reference": reference,
        "edition": edition,
        "issued_on": today.isoformat(),
        "verify_url": f"{public_url}/notices/verify?code={code}",
    }


def _last_day(app: ApplicationOut, action: str) -> str | None:
    at = next((h.at for h in reversed(app.history) if h.action == action), None)
    return business_date(at).isoformat() if at is not None else None


async def application_facts(
    conn: asyncpg.Connection, kind: Kind, app: ApplicationOut, row: asyncpg.Record
) -> dict[str, Any]:
    """The application's part of a filing notice, award decision or payment advice."""
    program = await conn.fetchrow(Q.program_by_code, app.program_code)
    out: dict[str, Any] = {
        "org": {"name": row["org_name"], "uscc": row["org_uscc"]},
        "application": {
            "id": str(app.id),
            "type": app.type,
            "title": row["title"],
            "program": program["title_zh"],
            "article": program["article"],
        },
    }
    if kind == Kind.FILING:
        form = await bound(conn, app.program_code, app.program_version, app.type)
        out["fields"] = [
            [label, f"{parse_money(value).grouped()}元" if money else value]
            for label, value, money, _ in shown(form, app, zh=True).fields
        ]
        out["recognized_on"] = _last_day(app, "approve")
    elif kind == Kind.DECISION:
        award = row["award"]
        out |= {
            "amount_fen": award["amount_fen"],
            "capped": award["capped"],
            "breakdown": [
                {"label": b["label_zh"] or b["label"], "amount_fen": b["amount_fen"]}
                for b in award["breakdown"]
            ],
            "rule": award["rule_zh"],
            "program_version": award["program_version"],
            "budget_year": row["budget_year"],
            "approved_on": _last_day(app, "approve"),
        }
    else:
        paid = await conn.fetchrow(Q.disbursement_of, app.id)
        payee = row["payload"].get("payee") or {}
        out |= {
            "amount_fen": paid["amount_fen"],
            "paid_on": paid["paid_on"].isoformat(),
            "bank_reference": paid["reference"],
            "payee": {k: str(payee.get(k) or "—") for k in ("account_name", "bank", "account_no")},
        }
    return out


async def publicity_facts(
    conn: asyncpg.Connection, batch: asyncpg.Record, public_url: str
) -> dict[str, Any]:
    """A batch's awards as the public list showed them, with their total."""
    items = [
        {
            "reference": r["reference"] or "",
            "org_name": r["org_name"],
            "program": r["program_zh"],
            "title": r["title"],
            "amount_fen": r["amount_fen"],
        }
        for r in await conn.fetch(Q.batch_notice_items, batch["id"])
    ]
    return {
        "period": {
            "starts_on": batch["starts_on"].isoformat(),
            "ends_on": batch["ends_on"].isoformat(),
        },
        "items": items,
        "count": len(items),
        "total_fen": sum(i["amount_fen"] for i in items),
        "objection_url": f"{public_url}/publicity",
    }


def batch_reference(batch: asyncpg.Record) -> str:
    """A publicity batch's number: its place among the batches starting in its year."""
    return f"WHAI-GS-{batch['starts_on'].year}-{batch['serial']:04d}"
