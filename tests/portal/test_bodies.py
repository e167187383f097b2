"""JSON bodies (portal.bodies): nesting past 32 levels is refused before it is decoded, signed in
or not, and every field is decoded strictly (a boolean is `true` or `false`, nothing else)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, filing_body

EN = {"Accept-Language": "en", "Content-Type": "application/json"}
DEEP = [
    b"[" * 5000 + b"]" * 5000,  # deep enough to exhaust the decoder's recursion
    b'{"a":' * 33 + b"1" + b"}" * 33,
    b'{"items":' + b'[{"x":' * 17 + b"1" + b"}]" * 17 + b"}",  # 35 levels, mixed
]


def _refused_for_nesting(r: Any) -> bool:
    body = r.json()
    return (
        r.status_code == 422
        and r.headers["content-type"].startswith("application/problem+json")
        and body["code"] == "invalid_input"
        and "32" in body["detail"]  # in the caller's language: English, or a user's Chinese
        and [e["field"] for e in body["errors"]] == ["$"]
    )


async def test_a_deep_body_is_refused_before_and_after_sign_in(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    org = await register(client)
    app = await create(client, org["token"], filing_body())
    applicant = {**EN, **bearer(org["token"])}
    admin = {**EN, **bearer(await staff("admin"))}
    routes = [
        ("POST", "/api/v1/auth/token", EN),
        ("POST", "/api/v1/auth/register", EN),
        ("POST", f"/api/v1/public/announcements/{uuid.uuid4()}/objections", EN),
        ("POST", "/api/v1/programs/event-support/estimate", EN),
        ("POST", "/api/v1/applications", applicant),
        ("POST", "/api/v1/applications", {**applicant, "Idempotency-Key": "deep"}),
        ("PATCH", f"/api/v1/applications/{app['id']}", applicant),
        ("PUT", "/api/v1/notifications/preferences", applicant),
        ("PUT", "/api/v1/admin/exchanges/LSE", admin),
    ]
    for method, path, headers in routes:
        for i, body in enumerate(DEEP):
            if "Idempotency-Key" in headers:  # the body is read (and hashed) before the app
                headers = {**headers, "Idempotency-Key": f"deep-{i}"}
            r = await client.request(method, path, content=body, headers=headers)
            assert _refused_for_nesting(r), (method, path, body[:20], r.status_code, r.text)


async def test_nesting_up_to_32_levels_and_brackets_in_text_are_not_refused(
    client: AsyncTestClient,
) -> None:
    org = await register(client)
    levels_32 = b'{"a":' * 32 + b"1" + b"}" * 32
    r = await client.post("/api/v1/auth/token", content=levels_32, headers=EN)
    assert r.status_code == 422 and not _refused_for_nesting(r), r.text  # refused, as a login
    title = "[{" * 90 + '"\\'  # brackets, a quote and a backslash inside a string are text
    r = await client.post(
        "/api/v1/applications", json=filing_body(title=title), headers=bearer(org["token"])
    )
    assert r.status_code == 201, r.text
    assert r.json()["payload"]["title"] == title


@pytest.mark.parametrize("enabled", [0, 1, "true", None])
async def test_booleans_are_strict(client: AsyncTestClient, enabled: Any) -> None:
    org = await register(client)
    item = {"topic": "application.submit", "channel": "email", "enabled": enabled}
    r = await client.put(
        "/api/v1/notifications/preferences", json={"items": [item]}, headers=bearer(org["token"])
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input"), r.text
    assert [e["field"] for e in r.json()["errors"]] == ["items[0].enabled"]


async def test_numbers_are_not_taken_from_strings(client: AsyncTestClient) -> None:
    org = await register(client)
    r = await client.post(
        "/api/v1/applications",
        json=filing_body(expected_attendance="5000"),
        headers=bearer(org["token"]),
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input"), r.text
    assert [e["field"] for e in r.json()["errors"]] == ["expected_attendance"]
