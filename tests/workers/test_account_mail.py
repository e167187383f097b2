"""Links by e-mail: without SMTP_URL each mail is an .eml file under the data folder, whose link
a local user can follow; the token stays in the outbox and the delivery only until it is sent."""

from __future__ import annotations

import re

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.factories import register
from tests.mail import bodies
from tests.workers.harness import deliver_everything
from tests.workers.smtp_sink import SmtpSink


async def test_without_smtp_the_mail_is_a_file_whose_link_works(
    client: AsyncTestClient, settings: Settings, clock: FrozenClock, pool: asyncpg.Pool
) -> None:
    await register(client, email="local@example.cn", verified=False)
    await deliver_everything(settings, clock, pool)
    [body] = bodies(settings.mail_folder)
    link = re.search(r"(http\S+/verify-email\?token=(\S+))", body)
    assert link and link.group(1).startswith(settings.public_url)
    r = await client.post("/api/v1/auth/verify-email", json={"token": link.group(2)})
    assert r.status_code == 204
    # The token is kept nowhere now: not in the outbox row, not in the sent delivery.
    payload = await pool.fetchval("SELECT payload FROM outbox WHERE topic = 'account.verify_email'")
    assert "token" not in payload and payload["to"] == "local@example.cn"
    kept = await pool.fetchval("SELECT body FROM deliveries WHERE status = 'sent'")
    assert link.group(2) not in kept and "token=…" in kept


async def test_an_invitation_reaches_an_address_that_is_no_users_yet(
    client: AsyncTestClient,
    mail_settings: Settings,
    clock: FrozenClock,
    pool: asyncpg.Pool,
    smtp: SmtpSink,
) -> None:
    org = await register(client)
    r = await client.post(
        "/api/v1/org/invitations",
        json={"email": "newcomer@example.cn", "role": "org_admin"},
        headers={"Authorization": f"Bearer {org['token']}"},
    )
    assert r.status_code == 201
    await deliver_everything(mail_settings, clock, pool)
    [mail] = [m for m in smtp.received() if m.to == "newcomer@example.cn"]
    assert "邀请您加入测试单位" in mail.subject and "单位管理员" in mail.body
    assert "/invitations/accept?token=" in mail.body
    assert (
        await pool.fetchval("SELECT user_id FROM deliveries WHERE address = 'newcomer@example.cn'")
        is None
    )
