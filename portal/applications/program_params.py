"""A program version's parameters for an application, as its typed struct."""

from __future__ import annotations

from typing import Any

import asyncpg

from portal.programs.services import decode_params
from sql.queries import Q


async def version_params(
    conn: asyncpg.Connection, program: str, version: int
) -> tuple[Any, asyncpg.Record]:
    row = await conn.fetchrow(Q.version_window, program, version)
    return decode_params(row["kind"], row["params"]), row
