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
    body["token"] = await token(client, email)
    return body


async def token(client: AsyncTestClient, email: str, password: str = PASSWORD) -> str:
    r = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
