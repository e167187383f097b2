"""Valid test data: USCCs with real check characters, organizations, staff and tokens."""

from __future__ import annotations

import itertools
from typing import Any

from litestar.testing import AsyncTestClient

from domain.uscc import ALPHABET, check_character

_serial = itertools.count(1)
PASSWORD = "a long test password"


def make_uscc(division: str = "420106", n: int | None = None) -> str:
    n = next(_serial) if n is None else n
    body = "91" + division
    digits = ""
    for _ in range(9):
        n, r = divmod(n * 7 + 3, 31)
        digits += ALPHABET[r]
    first17 = body + digits
    return first17 + check_character(first17)


async def register(
    client: AsyncTestClient,
    *,
    uscc: str | None = None,
    email: str | None = None,
    name: str = "测试单位",
    verified: bool = True,
) -> dict[str, Any]:
    uscc = uscc or make_uscc()
    email = email or f"user{next(_serial)}@example.cn"
    r = await client.post(
        "/api/v1/auth/register",
        json={
            "org": {
                "name": name,
                "uscc": uscc,
                "contact_name": "张三",
                "contact_phone": "027-8888 6666",
            },
            "user": {"email": email, "password": PASSWORD, "name": "张三"},
        },
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    if verified:
        await verify(client, email)
    body["token"] = await token(client, email)
    return body


async def link_token(client: AsyncTestClient, topic: str, email: str) -> str:
    """The token of the latest link mailed to `email` (read where the worker would read it)."""
    pool = client.app.state.ctx.pool  # the app's own, on the app's event loop

    async def read() -> str | None:
        found: str | None = await pool.fetchval(
            "SELECT payload->>'token' FROM outbox WHERE topic = $1 AND payload->>'to' = $2"
            " ORDER BY id DESC LIMIT 1",
            topic,
            email.lower(),
        )
        return found

    found = client.blocking_portal.call(read)
    assert found, f"no {topic} mail to {email}"
    return str(found)


async def verify(client: AsyncTestClient, email: str) -> None:
    """Follow the verification link the registration mailed; its mail counts as delivered
    (tests of other mail see only theirs)."""
    found = await link_token(client, "account.verify_email", email)
    r = await client.post("/api/v1/auth/verify-email", json={"token": found})
    assert r.status_code == 204, r.text
    pool = client.app.state.ctx.pool

    async def delivered() -> None:
        await pool.execute(
            "UPDATE outbox SET relayed_at = now(), payload = payload - 'token'"
            " WHERE topic = 'account.verify_email' AND payload->>'to' = $1",
            email.lower(),
        )

    client.blocking_portal.call(delivered)


async def token(client: AsyncTestClient, email: str, password: str = PASSWORD) -> str:
    r = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
