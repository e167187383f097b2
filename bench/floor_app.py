"""The floor: what this stack does with no portal around it.

Litestar + msgspec + asyncpg, the same pool helper and settings as the portal, served by the same
granian command (`portal.cli._serve_args` with this module's app). Its POST reads the very same
body against the very same program forms (read once at start, not per request), then writes the
same rows (the application and its lines) in one transaction: no auth, no audit, no outbox, no
idempotency, no metrics. It answers with the new id. GET and the keyset page are there for
reference.

Served as `bench.floor_app:app`; it writes as the bench's first seeded organization.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Litestar, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import JSONBody

from domain.definition import fields
from domain.definition.model import Form
from portal import heap
from portal.programs.forms import decoded
from sql.pool import create_pool
from sql.settings import load_settings

INSERT_APPLICATION = """
INSERT INTO applications (org_id, type, status, program_code, program_version, title, payload,
                          created_by, created_at, updated_at)
VALUES ($1, $2, 'draft', $3, 1, $4, $5, $6, $7, $7)
RETURNING id
"""
INSERT_LINES = """
INSERT INTO application_lines (application_id, line_no, kind, category, description, amount_fen)
SELECT $1, n - 1, 'budget', c, d, a
FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS l (c, d, a, n)
"""
GET_APPLICATION = (
    "SELECT id, type, status, title, payload, created_at FROM applications WHERE id = $1"
)
GET_LINES = """
SELECT line_no, category, description, amount_fen FROM application_lines
WHERE application_id = $1 ORDER BY line_no
"""
PAGE = """
SELECT id, type, status, reference, program_code, title, created_at FROM applications
WHERE status = $1 AND program_code = $2 AND (created_at, id) > ($3, $4)
ORDER BY created_at, id LIMIT 50
"""

FORMS = """SELECT DISTINCT ON (v.program_code) v.program_code, v.params::text AS params
FROM program_versions v WHERE v.status = 'published' ORDER BY v.program_code, v.version DESC"""


class Created(msgspec.Struct):
    id: UUID
    status: str


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    settings = load_settings()
    assert settings.database_url
    pool = await create_pool(
        settings.database_url, min_size=settings.db_pool_min, max_size=settings.db_pool_max
    )
    row = await pool.fetchrow("SELECT org_id, user_id FROM bench_orgs WHERE n = 0")
    app.state.pool, app.state.org_id, app.state.user_id = pool, row["org_id"], row["user_id"]
    forms: dict[str, tuple[str, Form]] = {}
    for r in await pool.fetch(FORMS):
        d = decoded(r["params"])
        forms[d.type if d.type != "program_claim" else r["program_code"]] = (r["program_code"], d)
        if d.prior is not None:
            forms[d.prior.type] = (r["program_code"], d.prior)
    app.state.forms = forms
    try:
        yield
    finally:
        await pool.close()


@post("/floor/applications", status_code=201)
async def create(state: State, data: JSONBody[dict[str, Any]]) -> Created:
    kind = data.get("type")
    key = data.get("program_code") if kind == "program_claim" else kind
    if not isinstance(key, str) or key not in state.forms:
        raise ValidationException("unknown type")
    code, form = state.forms[key]
    given = data.get("fields", {}) if kind == "program_claim" else data
    values, problems = fields.read(
        form, {k: v for k, v in given.items() if k not in ("type", "payee", "documents")}, ""
    )
    if problems:
        raise ValidationException(problems[0].message)
    lines_field = form.lines_field
    lines = fields.lines(values.pop(lines_field.name, ())) if lines_field is not None else ()
    payload = fields.to_store(form, values)
    pool: asyncpg.Pool = state.pool
    async with pool.acquire() as conn, conn.transaction():
        app_id = await conn.fetchval(
            INSERT_APPLICATION,
            state.org_id,
            kind,
            code,
            str(values.get(form.title_field or "", "")),
            payload,
            state.user_id,
            dt.datetime.now(dt.UTC),
        )
        await conn.execute(
            INSERT_LINES,
            app_id,
            [x.category for x in lines],
            [x.description for x in lines],
            [x.amount.fen for x in lines],
        )
    return Created(app_id, "draft")


@get("/floor/applications/{application_id:uuid}")
async def get_one(state: State, application_id: UUID) -> dict[str, Any]:
    async with state.pool.acquire() as conn:
        row = await conn.fetchrow(GET_APPLICATION, application_id)
        if row is None:
            raise NotFoundException()
        lines = await conn.fetch(GET_LINES, application_id)
    out = dict(row)
    out["lines"] = [dict(x) for x in lines]
    return out


@get("/floor/queue")
async def queue(
    state: State, status: str, program: str, after_at: dt.datetime, after_id: UUID
) -> list[dict[str, Any]]:
    rows = await state.pool.fetch(PAGE, status, program, after_at, after_id)
    return [dict(r) for r in rows]


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[create, get_one, queue, health], lifespan=[lifespan], debug=False)
heap.settle()  # the same collector settings as the portal's served app
