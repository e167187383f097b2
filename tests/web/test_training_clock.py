"""A training clock (PORTAL_CLOCK_OFFSET_DAYS) moves the portal's today, and every page says so."""

from __future__ import annotations

import html
from datetime import timedelta

import msgspec
from litestar.testing import AsyncTestClient

from domain.clock import SystemClock, business_date
from portal.app import create_app
from sql.settings import Settings


async def test_every_page_says_the_training_clock_and_its_day(settings: Settings) -> None:
    app = create_app(msgspec.structs.replace(settings, clock_offset_days=40))
    day = business_date(SystemClock().now() + timedelta(days=40)).isoformat()
    async with AsyncTestClient(app) as client:
        for url in ("/", "/publicity", "/login"):
            page = (await client.get(url)).text
            assert 'id="training-clock"' in page and day in page and "+40" in page, url
        client.cookies.set("lang", "en")
        english = html.unescape((await client.get("/")).text)
        assert "Training clock: the portal's today is " + day in english


async def test_without_one_no_page_says_it(client: AsyncTestClient) -> None:
    assert 'id="training-clock"' not in (await client.get("/")).text
