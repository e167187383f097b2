"""Load the sandbox: the portal's app in this process, its clock held still and moved by the
story, its API reached without a network."""

from __future__ import annotations

from domain.clock import FrozenClock, clock_for
from portal.app import create_app
from portal.demo.story import Summary, tell
from sql.migrate import migrate
from sql.settings import Settings


class RefusedInProduction(RuntimeError):
    pass


async def load(settings: Settings) -> Summary:
    if settings.env == "production":
        raise RefusedInProduction("portal demo never runs where PORTAL_ENV=production")
    assert settings.database_url
    await migrate(settings.database_url)
    clock = FrozenClock(clock_for(settings.clock_offset_days).now())
    app = create_app(settings, clock)
    try:
        async with app.lifespan():
            return await tell(app, app.state.ctx.pool, clock)
    except BaseExceptionGroup as group:  # the lifespan's task group wraps what the story raised
        raise group.exceptions[0] from None
