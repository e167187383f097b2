"""Prometheus metrics at /metrics: request rates and latency (per route template), outbox lag
and dead letters (read from PostgreSQL at scrape time, so every process reports the same)."""

from __future__ import annotations

import logging

from litestar import Controller, Response, get
from litestar.plugins.prometheus import PrometheusConfig
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest

from portal.context import Ctx
from sql.queries import Q

log = logging.getLogger("portal.metrics")

PROMETHEUS = PrometheusConfig(
    app_name="portal",
    prefix="portal",
    group_path=True,
    exclude=["^/metrics", "^/static/", "^/health"],
)
OUTBOX_PENDING = Gauge("portal_outbox_pending", "Outbox rows not yet relayed to the workers")
OUTBOX_LAG = Gauge("portal_outbox_lag_seconds", "Age of the oldest outbox row not yet relayed")
DEAD_LETTERS = Gauge("portal_dead_letters", "Deliveries that failed after their last try")


class MetricsController(Controller):
    path = "/metrics"
    include_in_schema = False

    @get()
    async def metrics(self, ctx: Ctx) -> Response[bytes]:
        try:
            row = await ctx.pool.fetchrow(Q.outbox_health, ctx.clock.now())
            OUTBOX_PENDING.set(row["pending"])
            OUTBOX_LAG.set(row["lag_seconds"])
            DEAD_LETTERS.set(row["dead"])
        except Exception as exc:
            log.warning("metrics: database unreachable: %r", exc)
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
