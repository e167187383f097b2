"""The types applications are filed as (the API's `type`): which program each belongs to,
whether it is an earlier application (a filing) that claims point to, and its reference prefix.

The table is data the migrations ship and nothing changes at run time, so each process reads it
once."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from sql.queries import Q


@dataclass(frozen=True, slots=True)
class ApplicationType:
    type: str
    program_code: str | None  # None: a program_claim names its program
    prior: bool
    prefix: str


_known: dict[str, ApplicationType] = {}


async def application_types(
    conn: asyncpg.Connection | asyncpg.Pool,
) -> dict[str, ApplicationType]:
    if not _known:
        rows = await conn.fetch(Q.application_types)
        _known.update({r["type"]: ApplicationType(**dict(r)) for r in rows})
    return _known


async def is_prior(conn: asyncpg.Connection | asyncpg.Pool, application_type: str) -> bool:
    """Whether a type is an earlier application (a filing), which ends at recognition."""
    return (await application_types(conn))[application_type].prior
