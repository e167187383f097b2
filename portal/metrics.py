"""Prometheus metrics at /metrics: request rates and latency (per route template), outbox lag
and dead letters (read from PostgreSQL at scrape time, so every process reports the same).

Under `portal serve` the workers of one server share their numbers through files
(`PROMETHEUS_MULTIPROC_DIR`, set by the command): any worker's /metrics reports all of them.
"""

from __future__ import annotations

import logging
import os

from litestar import Controller, Response, get
from litestar.plugins.prometheus import PrometheusConfig
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    generate_latest,
    multiprocess,
)

from portal.context import Ctx
from sql.notification_topics import SILENT
from sql.queries import Q

log = logging.getLogger("portal.metrics")

PROMETHEUS = PrometheusConfig(
    app_name="portal",
    prefix="portal",
    group_path=True,
    exclude=["^/metrics", "^/static/", "^/health"],
)
# Set at scrape time from the database: with many workers, the latest reading is the truth.
OUTBOX_PENDING = Gauge(
    "portal_outbox_pending",
    "Outbox rows not yet relayed to the workers",
    multiprocess_mode="mostrecent",
)
OUTBOX_LAG = Gauge(
    "portal_outbox_lag_seconds",
    "Age of the oldest outbox row not yet relayed that someone must hear of",
    multiprocess_mode="mostrecent",
)
DEAD_LETTERS = Gauge(
    "portal_dead_letters",
    "Deliveries that failed after their last try",
    multiprocess_mode="mostrecent",
)


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


class MetricsController(Controller):
    path = "/metrics"
    include_in_schema = False

    @get()
    async def metrics(self, ctx: Ctx) -> Response[bytes]:
        try:
            row = await ctx.pool.fetchrow(Q.outbox_health, ctx.clock.now(), list(SILENT))
            OUTBOX_PENDING.set(row["pending"])
            OUTBOX_LAG.set(row["lag_seconds"])
            DEAD_LETTERS.set(row["dead"])
        except Exception as exc:
            log.warning("metrics: database unreachable: %r", exc)
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
