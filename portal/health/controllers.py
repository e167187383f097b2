from __future__ import annotations

import asyncio
import logging

import msgspec
from litestar import Controller, Response, get

from portal.context import Ctx
from sql import migrate

log = logging.getLogger("portal.health")


class Health(msgspec.Struct):
    status: str
    database: str
    redis: str


class HealthController(Controller):
    path = "/health"
    tags = ["operations"]

    @get(operation_id="health", summary="Liveness of the portal, its database and Redis")
    async def health(self, ctx: Ctx) -> Response[Health]:
        database = redis = "ok"
        try:
            async with asyncio.timeout(2):
                async with ctx.pool.acquire() as conn:
                    missing = await migrate.pending(conn)
            if missing:
                # Served before `portal migrate` ran: every request would fail, so say so.
                log.warning("health: migrations not applied: %s", ", ".join(missing))
                database = "migrations_pending"
        except Exception as exc:
            log.warning("health: database unreachable: %r", exc)
            database = "unavailable"
        try:
            async with asyncio.timeout(2):
                await ctx.redis.ping()
        except Exception as exc:
            log.warning("health: redis unreachable: %r", exc)
            redis = "unavailable"
        # Redis down degrades notifications only; the portal keeps accepting work.
        status = (
            "ok"
            if database == "ok" and redis == "ok"
            else ("degraded" if database == "ok" else "unavailable")
        )
        return Response(
            Health(status, database, redis), status_code=200 if database == "ok" else 503
        )
