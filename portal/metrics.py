"""Prometheus metrics at /metrics: request rates and latency (per route template), outbox lag
and dead letters (read from PostgreSQL at scrape time, so every process reports the same).

Under `portal serve` the workers of one server share their numbers through files
(`PROMETHEUS_MULTIPROC_DIR`, set by the command): any worker's /metrics reports all of them.
"""

from __future__ import annotations

import logging
import os
import time
from functools import cache
from typing import Any

from litestar import Controller, Response, get
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from portal.context import Ctx
from sql.notification_topics import SILENT
from sql.queries import Q

log = logging.getLogger("portal.metrics")

# Per route template, as Litestar's Prometheus plugin named them (dashboards keep working).
_LABELS = ("method", "path", "status_code", "app_name")
REQUESTS = Counter("portal_requests_total", "Total requests", _LABELS)
ERRORS = Counter("portal_requests_error_total", "Total errors in requests", _LABELS)
DURATION = Histogram("portal_request_duration_seconds", "Request duration, in seconds", _LABELS)
IN_PROGRESS = Gauge(
    "portal_requests_in_progress",
    "Total requests currently in progress",
    _LABELS,
    multiprocess_mode="livesum",
)
_NOT_COUNTED = ("/metrics", "/static/", "/health")


@cache  # one entry per route, method and status: as many as the series themselves
def _series(method: str, path: str, status: int) -> tuple[Any, Any, Any]:
    values = (method, path, str(status), "portal")
    return REQUESTS.labels(*values), DURATION.labels(*values), ERRORS.labels(*values)


@cache
def _in_progress(method: str, path: str) -> Any:
    return IN_PROGRESS.labels(method, path, "200", "portal")


class RequestMetrics:
    """Counts, durations and requests in flight per route template, on prometheus_client.

    Litestar's PrometheusMiddleware built a Request, parsed its URL and looked up four labelled
    children on every request: ~50 µs of a POST's ~400 µs of worker CPU (measured in-process).
    Here the children are looked up once per route. Error responses pass through `send` here
    too (Litestar turns exceptions into responses inside the route), so every answer is counted
    with the status the client got; 500 if none was sent.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].startswith(_NOT_COUNTED):
            await self.app(scope, receive, send)
            return
        # The router has run: its template, never the raw path (a series per URL: unbounded).
        method, path = scope["method"], scope.get("path_template", "")
        status = 500
        start = time.perf_counter()

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        in_progress = _in_progress(method, path)
        in_progress.inc()
        try:
            await self.app(scope, receive, noting_status)
        finally:
            in_progress.dec()
            count, duration, errors = _series(method, path, status)
            count.inc()
            duration.observe(time.perf_counter() - start)
            if status >= 500:
                errors.inc()


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
