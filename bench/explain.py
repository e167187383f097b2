"""EXPLAIN ANALYZE of the hot-path queries at the seeded size, as custom and as generic plans.

asyncpg runs every query as a named prepared statement, so after five executions PostgreSQL may
switch to a generic plan (one that ignores the parameters' values). Both are shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg

from bench.seed import STAFF_TOKEN, Seeded, applicant_token
from portal.auth.tokens import token_hash
from portal.review.services import _STAFF_ROLES
from portal.review.services import _queue_sql as queue_sql
from sql.queries import Q


@dataclass
class Plan:
    name: str
    query: str
    mode: str  # custom | generic
    ms: float  # execution time reported by EXPLAIN ANALYZE
    text: str

    def first_line(self) -> str:
        return self.text.splitlines()[0].strip()


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "'\\x" + value.hex() + "'::bytea"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):  # of text
        return "ARRAY[" + ", ".join(_literal(v) for v in value) + "]::text[]"
    return "'" + str(value).replace("'", "''") + "'"  # standard_conforming_strings is on


async def explain(
    conn: asyncpg.Connection, name: str, query: str, args: list[Any], *, generic: bool
) -> Plan:
    literals = [_literal(a) for a in args]
    await conn.execute(
        "SET plan_cache_mode = " + ("force_generic_plan" if generic else "force_custom_plan")
    )
    try:
        await conn.execute(f"PREPARE bench_q AS {query}")
        call = f"EXECUTE bench_q({', '.join(literals)})" if literals else "EXECUTE bench_q"
        await conn.fetch(call)  # warm the cache
        rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {call}")
    finally:
        await conn.execute("DEALLOCATE bench_q")
        await conn.execute("RESET plan_cache_mode")
    text = "\n".join(r[0] for r in rows)
    m = re.search(r"Execution Time: ([0-9.]+) ms", text)
    return Plan(
        name, query, "generic" if generic else "custom", float(m.group(1)) if m else 0, text
    )


async def hot_queries(conn: asyncpg.Connection, meta: Seeded) -> list[tuple[str, str, list[Any]]]:
    """(name, query, arguments) of every query on the benchmarked paths."""
    sample = await conn.fetchrow(
        """SELECT a.id, a.org_id, a.created_at FROM applications a
           WHERE a.status = 'submitted' AND a.program_code = 'event-support'
           ORDER BY a.created_at LIMIT 1
           OFFSET (SELECT least(20000, count(*) / 2) FROM applications
                   WHERE status = 'submitted' AND program_code = 'event-support')"""
    )
    org_row = await conn.fetchrow(
        """SELECT a.org_id, a.created_at, a.id FROM applications a WHERE a.org_id = $1
           ORDER BY a.created_at DESC, a.id DESC LIMIT 1
           OFFSET (SELECT least(200, count(*) / 2) FROM applications WHERE org_id = $1)""",
        sample["org_id"],
    )
    now = meta.watermark
    # The queue's statement checks a cached caller's token itself (work_queue_caller).
    caller = [token_hash(STAFF_TOKEN), now, _STAFF_ROLES]
    return [
        ("auth: principal_by_token", Q.principal_by_token, [token_hash(applicant_token(0)), now]),
        ("auth: principal_by_token (staff)", Q.principal_by_token, [token_hash(STAFF_TOKEN), now]),
        (
            "queue: status+program, first page",
            queue_sql((True, False, True, False, False), False, 51),
            [*caller, "submitted", "event-support"],
        ),
        (
            "queue: status+program, keyset page",
            queue_sql((True, False, True, False, False), True, 51),
            [*caller, "submitted", "event-support", sample["created_at"], sample["id"]],
        ),
        (
            "queue: rare status+program, keyset page",
            queue_sql((True, False, True, False, False), True, 51),
            [*caller, "lapsed", "ipo-overseas", sample["created_at"], sample["id"]],
        ),
        (
            "queue: rare status only, keyset page",
            queue_sql((True, False, False, False, False), True, 51),
            [*caller, "lapsed", sample["created_at"], sample["id"]],
        ),
        (
            "queue: status only, keyset page",
            queue_sql((True, False, False, False, False), True, 51),
            [*caller, "reviewed", sample["created_at"], sample["id"]],
        ),
        ("get: application_full", Q.application_full, [sample["id"]]),
        ("org list: first page", Q.org_applications, [sample["org_id"], 51]),
        (
            "org list: keyset page",
            Q.org_applications_after,
            [org_row["org_id"], org_row["created_at"], org_row["id"], 51],
        ),
        (
            "draft (types that read first): drafting_context",
            Q.drafting_context,
            [sample["org_id"], "event-support", now.date()],
        ),
        (
            "seal: chain head",
            "SELECT chain_no, hash FROM audit_events WHERE chain_no IS NOT NULL"
            " ORDER BY chain_no DESC LIMIT 1",
            [],
        ),
        (
            "seal: unsealed, in write order",
            "SELECT seq, at, actor, action, entity_type, entity_id, data FROM audit_events"
            " WHERE chain_no IS NULL ORDER BY seq LIMIT 5000",
            [],
        ),
        ("export: export_applications_csv (COPY)", Q.export_applications_csv, [None]),
        # The public figures' aggregate: run once a minute, not per request (statistics/cache).
        ("statistics: applications, once a minute", Q.statistics_applications, []),
        ("statistics: staff backlog (once a minute a scope)", Q.statistics_backlog, [5, None]),
        ("statistics: staff decisions", Q.statistics_decisions, [now - timedelta(days=30), None]),
    ]


async def run(url: str, meta: Seeded) -> list[Plan]:
    conn = await asyncpg.connect(url, statement_cache_size=0)
    try:
        plans = []
        for name, query, args in await hot_queries(conn, meta):
            plans.append(await explain(conn, name, query, args, generic=False))
            if args and not name.startswith("export"):
                plans.append(await explain(conn, name, query, args, generic=True))
        return plans
    finally:
        await conn.close()
