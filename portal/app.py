"""The one place where the app is composed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.static_files import create_static_files_router
from redis.asyncio import Redis

from domain.clock import Clock, clock_for
from portal.accounts.controllers import AuthController, MeController, StaffUserController
from portal.applications.controllers import ApplicationController
from portal.auth import passwords
from portal.auth.middleware import AuthMiddleware
from portal.bodies import PortalRequest
from portal.calendar.controllers import CalendarAdminController, CalendarController
from portal.calls.controllers import CallAdminController, CallController, ScoreController
from portal.context import Context, provide_ctx
from portal.documents.controllers import DocumentController
from portal.documents.services import MAX_BYTES
from portal.errors import EXCEPTION_HANDLERS
from portal.exports.controllers import ExportController
from portal.health.controllers import HealthController
from portal.idempotency import IdempotencyMiddleware
from portal.metrics import MetricsController, RequestMetrics
from portal.notices.controllers import NoticeController, PublicNoticeController
from portal.notifications.controllers import DeadLetterController, NotificationController
from portal.objections.controllers import ObjectionController, PublicObjectionController
from portal.openapi import OPENAPI_CONFIG, allow_every_method, problem_responses_everywhere
from portal.organizations.controllers import OrgAdminController, OrgController
from portal.payments.controllers import DisbursementController, PaymentController
from portal.programs.controllers import (
    BudgetController,
    ExchangeAdminController,
    ExchangeController,
    ListingController,
    ProgramAdminController,
    ProgramController,
    ProposalController,
)
from portal.publicity.controllers import AnnouncementController, PublicityAdminController
from portal.recoveries.controllers import RecoveryController
from portal.review.controllers import ReviewController
from portal.statistics.controllers import PublicStatisticsController, StatisticsAdminController
from portal.web.account_pages import AccountPages
from portal.web.applicant_pages import ApplicantPages
from portal.web.auth_pages import AuthPages
from portal.web.console_pages import ConsolePages
from portal.web.notice_pages import NoticePages
from portal.web.public_pages import PublicPages
from portal.web.security import security_headers
from portal.web.templating import TEMPLATE_CONFIG
from sql.pool import create_pool
from sql.settings import Settings

log = logging.getLogger("portal")

STATIC = Path(__file__).parent / "static"


async def _connect_pool(settings: Settings) -> asyncpg.Pool:
    # A portal started beside a database that is still starting waits for it, briefly.
    assert settings.database_url is not None
    for attempt in range(30):
        try:
            return await create_pool(
                settings.database_url, min_size=settings.db_pool_min, max_size=settings.db_pool_max
            )
        except (OSError, ConnectionError) as exc:
            log.warning("database not reachable yet (%s); retrying", exc)
            await asyncio.sleep(min(0.2 * (attempt + 1), 2))
    raise RuntimeError("database unreachable at start-up: check DATABASE_URL")


def create_app(settings: Settings, clock: Clock | None = None) -> Litestar:
    clock = clock or clock_for(settings.clock_offset_days)
    passwords.use_profile_for(settings.env)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        assert settings.redis_url is not None, "REDIS_URL is resolved before the app starts"
        pool = await _connect_pool(settings)
        redis = Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        app.state.ctx = Context(settings=settings, clock=clock, pool=pool, redis=redis)
        try:
            yield
        finally:
            await redis.aclose()
            await pool.close()

    return Litestar(
        route_handlers=[
            create_static_files_router(path="/static", directories=[STATIC], name="static"),
            PublicPages,
            AuthPages,
            AccountPages,
            ApplicantPages,
            ConsolePages,
            NoticePages,
            HealthController,
            MetricsController,
            AuthController,
            MeController,
            OrgController,
            OrgAdminController,
            StaffUserController,
            ProgramController,
            ProgramAdminController,
            ProposalController,
            ExchangeController,
            ExchangeAdminController,
            BudgetController,
            CalendarController,
            CalendarAdminController,
            DocumentController,
            ApplicationController,
            ReviewController,
            DisbursementController,
            PaymentController,
            RecoveryController,
            ObjectionController,
            PublicObjectionController,
            PublicityAdminController,
            AnnouncementController,
            PublicStatisticsController,
            StatisticsAdminController,
            ExportController,
            NotificationController,
            DeadLetterController,
            NoticeController,
            PublicNoticeController,
            ListingController,
            CallController,
            CallAdminController,
            ScoreController,
        ],
        dependencies={"ctx": Provide(provide_ctx, sync_to_thread=False)},
        middleware=[RequestMetrics, AuthMiddleware(), IdempotencyMiddleware()],
        request_class=PortalRequest,  # JSON bodies: nesting bounded, decoded strictly
        # A document of the largest size plus its multipart envelope.
        request_max_body_size=MAX_BYTES + 1024 * 1024,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        openapi_config=OPENAPI_CONFIG,
        template_config=TEMPLATE_CONFIG,
        # Pages post forms with a CSRF token; the API takes bearer tokens only, so needs none.
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            exclude=["^/api/", "^/health", "^/schema", "^/static/"],
        ),
        before_send=[security_headers],
        on_startup=[problem_responses_everywhere, allow_every_method],
        debug=False,
    )
