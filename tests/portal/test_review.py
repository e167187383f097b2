"""The work queue's statements keep their plan (portal.review.services._queue_sql), and its rows
become summaries field by field."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import msgspec
from litestar.testing import AsyncTestClient

from domain.accounts import Role
from domain.money import fen_text
from portal.applications.views import summary
from portal.auth.principal import Principal, TokenCheck
from portal.auth.tokens import token_hash
from portal.review import services
from sql.pool import create_pool
from sql.queries import Q
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import filing_body

# Copies of one draft: enough rows for the planner to cost plans as it does at scale. Most stay
# drafts, the rest spread over the other statuses: a common status, as a busy queue's are.
_COPIES = """
INSERT INTO applications (id, org_id, type, status, program_code, program_version, title, payload,
                          created_by, created_at, updated_at)
SELECT gen_random_uuid(), org_id, type,
       CASE WHEN n % 10 < 6 THEN 'draft'
            ELSE (ARRAY['submitted', 'reviewed', 'recognized', 'approved', 'publicized', 'confirmed',
                        'disbursed', 'returned', 'rejected', 'withdrawn', 'lapsed'])[1 + n % 11]
       END,
       program_code, program_version, title, payload,
       created_by, created_at + n * interval '1 second', updated_at
FROM applications, generate_series(1, 20000) AS n
"""


async def test_the_queue_keeps_a_generic_plan(
    client: AsyncTestClient, db_url: str, staff: StaffFactory
) -> None:
    """PostgreSQL plans each call afresh when a generic plan costs more than the calls' own:
    with an unknown LIMIT (costed as if it returned a share of the table), and with a common
    status's value known (costed as the few rows it takes to fill a page). With the limit in the
    statement and the status and program as sub-selects, it keeps one plan, for callers read for
    the request and for cached callers whose token the statement checks."""
    digest = token_hash(await staff("reviewer"))
    org = await register(client)
    r = await client.post("/api/v1/applications", json=filing_body(), headers=bearer(org["token"]))
    assert r.status_code == 201, r.text
    pool = await create_pool(db_url, min_size=1, max_size=1)  # one connection: its statements
    try:
        await pool.execute(_COPIES)
        await pool.execute("ANALYZE applications")
        for n in range(12):
            cached = n % 2 == 0
            caller = _reviewer(TokenCheck(digest) if cached else None)
            page = await services.queue(
                pool,
                caller,
                datetime.now(UTC),
                status="draft",
                type_=None,
                program="event-support",
                q=None,
                limit=50,
                cursor=None,
            )
            assert len(page.items) == 50 and page.next_cursor is not None
            assert caller.unverified_token() is None  # the cached caller's token was checked
        plans = await pool.fetchrow(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1",
            services._queue_sql((True, False, True, False, False), False, 51),
        )
    finally:
        await pool.close()
    assert plans is not None
    assert plans["generic_plans"] >= 6, dict(plans)


def _reviewer(check: TokenCheck | None) -> Principal:
    roles = frozenset({Role.REVIEWER})
    return Principal(uuid4(), "r@wuhan.gov.cn", "审核人", None, roles, "zh", token_check=check)


_FIELDS = {  # the summary's field: its column in the queue's and the organization's list
    "id": "id",
    "type": "type",
    "status": "status",
    "reference": "reference",
    "program_code": "program_code",
    "title": "title",
    "amount_requested": "amount_requested_fen",
    "amount_approved": "amount_approved_fen",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "submitted_at": "submitted_at",
    "org_id": "org_id",
    "org_name": "org_name",
}


async def test_a_summary_takes_each_field_from_its_column(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    """views.summary takes the columns by position: each field still comes from its own column,
    in the queue's statements and the organization's list alike."""
    org = await register(client)
    r = await client.post("/api/v1/applications", json=filing_body(), headers=bearer(org["token"]))
    assert r.status_code == 201, r.text
    await pool.execute(  # every value different from the others of its type
        """UPDATE applications SET reference = 'WH-R-1', amount_requested_fen = 67890,
               amount_approved_fen = 12345, award = '{}',
               updated_at = created_at + interval '1 hour',
               submitted_at = created_at + interval '2 hours'"""
    )
    statements = [
        (
            services._queue_sql((True, False, False, False, False), False, 51),
            [None, None, None, "draft"],
        ),
        (
            services._queue_sql((False, False, False, True, False), False, 51),
            [None, None, None, "WH-R-1"],
        ),
        (Q.org_applications, [org["org"]["id"], 51]),
    ]
    for sql, args in statements:
        (row,) = await pool.fetch(sql, *args)
        wire = msgspec.to_builtins(summary(row))
        for field, column in _FIELDS.items():
            value = row[column]
            if column.endswith("_fen"):
                value = fen_text(value)
            assert wire[field] == msgspec.to_builtins(value), (field, sql)
