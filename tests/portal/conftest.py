from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.accounts import services
from portal.accounts.schemas import StaffUserIn
from tests.factories import PASSWORD, token

_n = itertools.count(1)

StaffFactory = Callable[..., Awaitable[str]]


@pytest.fixture
def staff(client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock) -> StaffFactory:
    """`await staff("reviewer", ...)` makes a staff user with those roles and returns a token."""

    async def make(*roles: str, email: str | None = None) -> str:
        email = email or f"staff{next(_n)}@wuhan.gov.cn"
        data = StaffUserIn(email=email, password=PASSWORD, name="工作人员", roles=list(roles))  # type: ignore[arg-type]
        await services.create_staff_user(pool, clock.now(), "cli", data)
        return await token(client, email)

    return make
