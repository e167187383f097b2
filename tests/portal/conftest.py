from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.accounts import services
from portal.accounts.schemas import StaffUserIn
from tests.factories import PASSWORD, register, token

_n = itertools.count(1)

StaffFactory = Callable[..., Awaitable[str]]


@pytest.fixture
def staff(client: AsyncTestClient, pool: asyncpg.Pool, clock: FrozenClock) -> StaffFactory:
    """`await staff("reviewer", ...)` makes a staff user with those roles and returns a token;
    `districts=[...]` makes them a district's staff (else the city's)."""

    async def make(*roles: str, email: str | None = None, districts: tuple[str, ...] = ()) -> str:
        email = email or f"staff{next(_n)}@wuhan.gov.cn"
        data = StaffUserIn(
            email=email,
            password=PASSWORD,
            name="工作人员",
            roles=list(roles),  # type: ignore[arg-type]
            districts=list(districts),  # type: ignore[arg-type]
        )
        await services.create_staff_user(pool, clock.now(), "cli", data)
        return await token(client, email)

    return make


def concurrently(client: AsyncTestClient, requests: list[dict[str, Any]]) -> list[httpx.Response]:
    """Send these requests at once, really concurrently.

    The test client hands each request to the app's event loop and waits for it, so gathering
    its calls would run them one after another; they are gathered inside that loop instead.
    """

    async def send_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app, client=("testclient", 50000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=120
        ) as c:
            return list(await asyncio.gather(*(c.request(**r) for r in requests)))

    return client.blocking_portal.call(send_all)


@pytest.fixture
async def team(client: AsyncTestClient, staff: StaffFactory) -> dict[str, Any]:
    """An organization's applicant and one staff member of each role (bearer tokens)."""
    org = await register(client, name="武汉智会科技有限公司")
    return {
        "org": org,
        "applicant": org["token"],
        "reviewer": await staff("reviewer"),
        "approver": await staff("approver"),
        "finance": await staff("finance"),
        "admin": await staff("admin"),
        "auditor": await staff("auditor"),
    }
