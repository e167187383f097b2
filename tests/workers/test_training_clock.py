"""The worker keeps the portal's training clock: its scheduled jobs see the same today."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec
from arq.connections import ArqRedis

from domain.clock import SystemClock, business_date
from sql.settings import Settings
from tests.workers.harness import FAST
from workers.settings import shutdown, startup


async def test_the_worker_starts_on_the_training_clock(settings: Settings) -> None:
    assert settings.redis_url
    ctx: dict[str, Any] = {
        "settings": msgspec.structs.replace(settings, clock_offset_days=40),
        "tuning": FAST,
        "listen": False,
        "redis": ArqRedis.from_url(settings.redis_url),
    }
    await startup(ctx)
    try:
        ahead = business_date(SystemClock().now() + timedelta(days=40))
        assert business_date(ctx["clock"].now()) == ahead
    finally:
        await shutdown(ctx)
        await ctx["redis"].aclose()
