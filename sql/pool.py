"""The one asyncpg pool helper, used by the portal and the workers alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

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


async def create_pool(
    dsn: str, *, min_size: int = 2, max_size: int = 10, application_name: str = "portal"
) -> asyncpg.Pool:
    # asyncpg's default reset stays, though it costs a round trip on every release: a connection
    # that saw the server go away mid-query is only found out (and dropped) by that round trip;
    # a no-op reset handed such a connection to the next request, which failed with a 500.
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
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
