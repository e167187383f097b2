"""The inbox and notification preferences through HTTP (dead letters: tests/workers)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, filing_body, ok, submit
from tests.workers.harness import emit, job_ctx, org_of, with_smtp
from tests.workers.smtp_sink import SmtpSink
from workers.relay import relay

INBOX = "/api/v1/notifications"
PREFS = "/api/v1/notifications/preferences"


async def _relay(settings: Settings, clock: FrozenClock) -> None:
    async with job_ctx(settings, clock) as ctx:
        await relay(ctx)


async def test_inbox_lists_newest_first_reads_one_and_all(
    client: AsyncTestClient, pool: asyncpg.Pool, settings: Settings, clock: FrozenClock
) -> None:
    org = await register(client, email="org@example.cn")
    other = await register(client, email="other@example.cn")
    org_id = await org_of(pool, "org@example.cn")
    for i in range(5):
        at = clock.now() + dt.timedelta(minutes=i)
        await emit(
            pool, at, "application.return", org_id=org_id, type="event_filing", comment=f"第{i}次"
        )
    await _relay(settings, clock)

    seen: list[dict[str, Any]] = []
    cursor = None
    for size in (2, 2, 1):
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(INBOX, params=params, headers=bearer(org["token"]))).json()
        assert len(page["items"]) == size and page["unread"] == 5
        seen += page["items"]
        cursor = page["next_cursor"]
    assert cursor is None
    assert [x["body"].split("退回理由:")[1] for x in seen] == [f"第{i}次" for i in (4, 3, 2, 1, 0)]
    assert set(seen[0]) == {
        "id",
        "topic",
        "title",
        "body",
        "created_at",
        "read_at",
        "application_id",
    }
    assert seen[0]["topic"] == "application.return" and seen[0]["read_at"] is None

    first = seen[0]["id"]
    read = (await client.post(f"{INBOX}/{first}/read", headers=bearer(org["token"]))).json()
    assert read["read_at"] is not None
    clock.advance(dt.timedelta(hours=1))
    again = (await client.post(f"{INBOX}/{first}/read", headers=bearer(org["token"]))).json()
    assert again["read_at"] == read["read_at"]  # the first reading is what counts

    # Someone else's notification does not exist for you.
    r = await client.post(f"{INBOX}/{first}/read", headers=bearer(other["token"]))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert (await client.get(INBOX, headers=bearer(other["token"]))).json()["items"] == []

    r = await client.post(f"{INBOX}/read-all", headers=bearer(org["token"]))
    assert (r.status_code, r.json()) == (200, {"read": 4})
    page = (await client.get(INBOX, headers=bearer(org["token"]))).json()
    assert page["unread"] == 0 and all(x["read_at"] for x in page["items"])

    assert (await client.get(INBOX)).status_code == 401
    bad = await client.get(INBOX, params={"cursor": "nonsense"}, headers=bearer(org["token"]))
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")


def _matrix(body: dict[str, Any]) -> dict[tuple[str, str], tuple[bool, bool]]:
    return {(x["topic"], x["channel"]): (x["enabled"], x["protected"]) for x in body["items"]}


async def test_preferences_are_respected_and_decisions_cannot_be_turned_off(
    client: AsyncTestClient,
    staff: StaffFactory,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    org = await register(client, email="org@example.cn")
    a = bearer(org["token"])
    prefs = _matrix((await client.get(PREFS, headers=a)).json())
    assert prefs[("application.reject", "inbox")] == (True, True)
    assert prefs[("application.reject", "email")] == (True, True)
    assert prefs[("application.reject", "sms")] == (True, False)
    assert prefs[("application.submit", "sms")] == (False, False)
    assert ("digest.daily", "inbox") not in prefs

    r = await client.put(
        PREFS,
        json={
            "items": [
                {"topic": "application.submit", "channel": "email", "enabled": False},
                {"topic": "application.publicize", "channel": "inbox", "enabled": False},
                {"topic": "application.reject", "channel": "sms", "enabled": False},
            ]
        },
        headers=a,
    )
    assert r.status_code == 200, r.text
    prefs = _matrix(r.json())
    assert prefs[("application.submit", "email")] == (False, False)
    assert _matrix((await client.get(PREFS, headers=a)).json()) == prefs

    refused = await client.put(
        PREFS,
        json={
            "items": [
                {"topic": "application.reject", "channel": "email", "enabled": False},
                {"topic": "digest.daily", "channel": "inbox", "enabled": False},
            ]
        },
        headers=a,
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "cannot_opt_out")
    assert [e["code"] for e in refused.json()["errors"]] == ["cannot_opt_out", "invalid_input"]
    assert [e["field"] for e in refused.json()["errors"]] == ["items[0]", "items[1].topic"]
    assert _matrix((await client.get(PREFS, headers=a)).json()) == prefs  # nothing half-written

    # A reviewer has staff topics; an upheld objection is not a decision on their own application.
    rev = bearer(await staff("reviewer"))
    staff_prefs = _matrix((await client.get(PREFS, headers=rev)).json())
    assert {t for t, _ in staff_prefs} == {
        "application.submit",
        "application.uphold_objection",
        "objection.dismissed",
        "reminder.review_sla",
        "digest.daily",
    }
    r = await client.put(
        PREFS,
        json={
            "items": [
                {"topic": "application.uphold_objection", "channel": "email", "enabled": False}
            ]
        },
        headers=rev,
    )
    assert r.status_code == 200, r.text

    # The relay honours the choices, and the protected decision reaches inbox and e-mail.
    await pool.execute("UPDATE users SET phone = '13900001111' WHERE email = 'org@example.cn'")
    org_id = await org_of(pool, "org@example.cn")
    for topic in ("application.submit", "application.publicize", "application.reject"):
        await emit(pool, clock.now(), topic, org_id=org_id, type="event_filing", comment="理由")
    await _relay(with_smtp(settings, smtp.url), clock)
    rows = await pool.fetch(
        "SELECT o.topic, d.channel FROM deliveries d JOIN outbox o ON o.id = d.outbox_id"
        " JOIN users u ON u.id = d.user_id WHERE u.email = 'org@example.cn'"
    )
    assert sorted((r["topic"], r["channel"]) for r in rows) == [
        ("application.publicize", "email"),
        ("application.reject", "email"),
        ("application.reject", "inbox"),
        ("application.submit", "inbox"),
    ]


async def test_a_draft_wakes_no_relay_and_its_submission_does(
    client: AsyncTestClient, pool: asyncpg.Pool, outbox_heard: list[object]
) -> None:
    """No one hears of a draft (its outbox row waits for the relay's tick); a submission is heard
    at its commit."""
    org = await register(client, email="quiet@example.cn")
    await asyncio.sleep(0.3)
    outbox_heard.clear()  # the registration's mail was heard: a link should go out at once
    draft = await create(client, org["token"], filing_body())
    await asyncio.sleep(0.3)
    assert outbox_heard == []
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE topic = 'application.created'") == 1
    )
    await ok(await submit(client, org["token"], draft["id"]))
    for _ in range(50):
        if outbox_heard:
            break
        await asyncio.sleep(0.05)
    assert len(outbox_heard) == 1
