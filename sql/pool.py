"""The one asyncpg pool helper, used by the portal and the workers alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import msgspec

_json_encoder = msgspec.json.Encoder()
_json_decoder = msgspec.json.Decoder()


async def _init_connection(conn: asyncpg.Connection) -> None:
    # jsonb travels as msgspec-encoded text; text never passes through float.
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(
            typ,
            schema="pg_catalog",
            encoder=lambda v: _json_encoder.encode(v).decode(),
            decoder=_json_decoder.decode,
            format="text",
        )


def _noting_failure(name: str) -> Any:
    """asyncpg.Connection's method `name`, marking the connection when it raises."""

    async def method(self: _Connection, *args: Any, **kwargs: Any) -> Any:
        try:
            return await getattr(asyncpg.Connection, name)(self, *args, **kwargs)
        except BaseException:
            self.failed = True
            raise

    return method


class _Connection(asyncpg.Connection):  # type: ignore[misc]
    """A connection that remembers whether any statement on it failed.

    asyncpg's default reset sends a query on every release back to the pool: a round trip that
    was a tenth of a request's database time. It is only needed after a failure: a connection
    that saw the server go away mid-statement is found out (and dropped) by that query, where a
    reset of nothing would hand it to the next request. So the reset runs only after a failure.
    """

    failed = False
    # Every way a statement reaches the server: fetch*/cursor set-up, executemany, execute, COPY.
    _execute = _noting_failure("_execute")
    _executemany = _noting_failure("_executemany")
    execute = _noting_failure("execute")
    _copy_out = _noting_failure("_copy_out")
    _copy_in = _noting_failure("_copy_in")


async def _reset(conn: asyncpg.Connection) -> None:
    """After asyncpg's own clean-up (roll back an open transaction, drop listeners): the full
    reset query only for a connection that saw a failure. Nothing else keeps session state on a
    pooled connection: locks are transaction-level, settings `SET LOCAL`, cursors live in
    transactions, LISTEN has its own connection, the migrator its own."""
    if getattr(conn, "failed", True):
        await conn.execute(conn.get_reset_query())
        conn.failed = False


async def create_pool(
    dsn: str, *, min_size: int = 2, max_size: int = 10, application_name: str = "portal"
) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        connection_class=_Connection,
        reset=_reset,
        server_settings={"application_name": application_name, "TimeZone": "UTC"},
        command_timeout=60,
    )
    assert pool is not None
    return pool


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection in one transaction: committed when the block ends, rolled back on error."""
    async with pool.acquire() as conn, conn.transaction():
        yield conn
