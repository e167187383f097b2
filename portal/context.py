"""What every handler may need, held by the app for its lifetime and injected as `ctx`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg
from litestar.datastructures import State
from litestar.di import NamedDependency
from redis.asyncio import Redis

from domain.clock import Clock, business_date
from portal.accounts import identities
from portal.auth.callers import CallerCache
from portal.statistics.cache import PublicFigures, StaffFigures
from sql.settings import Settings


@dataclass
class Context:
    settings: Settings
    clock: Clock
    pool: asyncpg.Pool
    redis: Redis
    callers: CallerCache = field(default_factory=CallerCache)
    statistics: PublicFigures = field(default_factory=PublicFigures)
    staff_statistics: StaffFigures = field(default_factory=StaffFigures)
    _oidc: Any = None

    def oidc(self) -> Any:
        """The OpenID Connect provider's client, made once: it keeps the provider's keys."""
        if self._oidc is None:
            self._oidc = identities.provider(self.settings)
        return self._oidc

    def today(self) -> date:
        """Today's business date in China."""
        return business_date(self.clock.now())


def provide_ctx(state: State) -> Context:
    return state.ctx  # type: ignore[no-any-return]


Ctx = NamedDependency[Context]
