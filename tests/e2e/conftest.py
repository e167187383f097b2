"""A real portal served over HTTP in this process (its clock settable), and a real Chromium.

Chromium comes from Debian (/usr/bin/chromium), driven by Playwright; nothing is downloaded.
Without it these tests skip, except where REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
import uvicorn

from domain.clock import FrozenClock
from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from portal.app import create_app
from sql.pool import create_pool
from sql.settings import Settings
from tests.factories import PASSWORD, make_uscc
from tests.portal.serving import free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@dataclass
class LiveServer:
    url: str
    clock: FrozenClock


@contextmanager
def serve(settings: Settings, clock: FrozenClock, port: int | None = None) -> Iterator[LiveServer]:
    """One portal process's worth: its own app, pool and Redis client, on a free port."""
    port = port or free_port()
    app = create_app(settings, clock)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", clock)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture
def live_server(settings: Settings, clock: FrozenClock) -> Iterator[LiveServer]:
    with serve(settings, clock) as server:
        yield server


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}: apt-get install chromium"
            )
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); browser tests skipped")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        await b.close()


@pytest.fixture
async def page(browser: object) -> AsyncIterator[object]:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    pg = await context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    await context.close()


async def screenshot(page: object, name: str) -> None:
    """Kept as a test artifact: test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


async def verify_address(settings: Settings, url: str, email: str) -> None:
    """Follow the registration's verification link, as its mail would have it followed."""
    assert settings.database_url
    conn = await asyncpg.connect(settings.database_url)
    try:
        token = await conn.fetchval(
            "SELECT payload->>'token' FROM outbox WHERE topic = 'account.verify_email'"
            " AND payload->>'to' = $1 ORDER BY id DESC LIMIT 1",
            email,
        )
    finally:
        await conn.close()
    async with httpx.AsyncClient(base_url=url) as api:
        r = await api.post("/api/v1/auth/verify-email", json={"token": token})
        assert r.status_code == 204, r.text


async def register_firm(
    settings: Settings, url: str, email: str, name: str, contact: str, district: str = "420106"
) -> None:
    """A firm registered through the API, its address verified: ready to sign in."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        r = await api.post(
            "/api/v1/auth/register",
            json={
                "org": {
                    "name": name,
                    "uscc": make_uscc(district),
                    "contact_name": contact,
                    "contact_phone": "027-8888 0000",
                },
                "user": {"email": email, "password": PASSWORD, "name": contact},
            },
        )
        assert r.status_code == 201, r.text
    await verify_address(settings, url, email)


async def sign_in(page: object, url: str, email: str, lands: str = "**/console") -> None:
    """Through the login page, as a person would; `lands`: where the portal takes them."""
    await page.goto(url + "/login")  # type: ignore[attr-defined]
    await page.get_by_label("电子邮箱").fill(email)  # type: ignore[attr-defined]
    await page.get_by_label("密码").fill(PASSWORD)  # type: ignore[attr-defined]
    await page.get_by_role("button", name="登录").click()  # type: ignore[attr-defined]
    await page.wait_for_url(lands)  # type: ignore[attr-defined]


async def seed_staff(
    settings: Settings, live_server: LiveServer, *people: tuple[str, str, str, list[str]]
) -> None:
    """Staff accounts as `portal users create` makes them: (e-mail, name, role, districts)."""
    assert settings.database_url
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        for email, name, role, districts in people:
            data = StaffUserIn(
                email=email,
                password=PASSWORD,
                name=name,
                roles=[role],  # type: ignore[list-item]
                districts=districts,  # type: ignore[arg-type]
            )
            await accounts.create_staff_user(pool, live_server.clock.now(), "cli", data)
    finally:
        await pool.close()
