"""Single sign-on against a real OpenID Connect provider started for these tests
(oidc-provider-mock): the authorization code flow with PKCE, state and nonce; an identity linked
by verified e-mail, or a registration prefilled; forged and replayed callbacks refused."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import asyncpg
import httpx
import msgspec
import oidc_provider_mock
import pytest
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from portal.app import create_app
from sql.settings import Settings
from tests.factories import PASSWORD, make_uscc, register
from tests.web.test_public_pages import csrf


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
async def sso(
    settings: Settings, clock: FrozenClock, provider: str
) -> AsyncIterator[AsyncTestClient]:
    """The portal with single sign-on configured, as the test client reaches it."""
    configured = msgspec.structs.replace(
        settings,
        oidc_issuer=provider,
        oidc_client_id="subsidy-portal",
        oidc_client_secret="a client secret",
        base_url="http://testserver.local",
    )
    async with AsyncTestClient(create_app(configured, clock)) as c:
        yield c


def person(provider: str, sub: str, **claims: Any) -> None:
    r = httpx.put(f"{provider}/users/{quote(sub)}", json=claims)
    assert r.status_code == 204, r.text


async def through_provider(client: AsyncTestClient, sub: str) -> httpx.Response:
    """Start at the portal, authorize at the provider as `sub`, come back with its code."""
    start = await client.get("/auth/oidc/start", follow_redirects=False)
    assert start.status_code in (302, 303), start.text
    authorized = httpx.post(start.headers["location"], data={"sub": sub})
    assert authorized.status_code in (302, 303), authorized.text
    back = urlsplit(authorized.headers["location"])
    assert back.path == "/auth/oidc/callback"
    return await client.get(f"{back.path}?{back.query}", follow_redirects=False)


async def test_the_authorization_request_carries_pkce_state_and_nonce(
    sso: AsyncTestClient,
) -> None:
    r = await sso.get("/auth/oidc/start", follow_redirects=False)
    query = parse_qs(urlsplit(r.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"] and query["nonce"] and query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://testserver.local/auth/oidc/callback"]
    assert 'id="oidc-login"' in (await sso.get("/login")).text


async def test_a_verified_identity_signs_in_to_the_account_with_its_address(
    sso: AsyncTestClient, provider: str, pool: asyncpg.Pool
) -> None:
    await register(sso, email="alice@example.cn")
    person(provider, "alice-1", email="alice@example.cn", email_verified=True, name="Alice")
    done = await through_provider(sso, "alice-1")
    assert (done.status_code, done.headers["location"]) == (302, "/")
    assert (await sso.get("/app")).status_code == 200
    linked = await pool.fetchval(
        "SELECT u.email FROM oidc_identities i JOIN users u ON u.id = i.user_id WHERE i.subject = 'alice-1'"
    )
    assert linked == "alice@example.cn"
    # Linked by its subject from now on, whatever address the provider gives later.
    sso.cookies.clear()
    person(provider, "alice-1", email="alice@elsewhere.cn", email_verified=True)
    assert (await through_provider(sso, "alice-1")).status_code == 302
    assert (await sso.get("/app")).status_code == 200


async def test_a_new_identity_registers_its_organization_with_the_address_prefilled(
    sso: AsyncTestClient, provider: str, pool: asyncpg.Pool
) -> None:
    person(provider, "bob-1", email="bob@example.cn", email_verified=True, name="王五")
    done = await through_provider(sso, "bob-1")
    assert (done.status_code, done.headers["location"]) == (302, "/register")
    form = await sso.get("/register")
    assert 'id="oidc-note"' in form.text and 'value="bob@example.cn"' in form.text
    r = await sso.post(
        "/register",
        data={
            "_csrf_token": csrf(form.text),
            "org_name": "武汉统一认证科技有限公司",
            "uscc": make_uscc("420111"),
            "contact_name": "王五",
            "contact_phone": "13800000000",
            "name": "王五",
            "email": "someone-else@example.cn",  # the provider's verified address wins
            "password": "a long test password",
        },
        follow_redirects=False,
    )
    assert (r.status_code, r.headers["location"]) == (302, "/after-login")
    me = await sso.get("/app")
    assert me.status_code == 200 and 'id="verify-banner"' not in me.text
    assert await pool.fetchval(
        "SELECT email_verified_at IS NOT NULL FROM users WHERE email = 'bob@example.cn'"
    )
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE topic = 'account.verify_email'") == 0
    )
    assert await pool.fetchval("SELECT count(*) FROM oidc_logins") == 0


async def test_forged_replayed_and_unverified_callbacks_are_refused(
    sso: AsyncTestClient, provider: str
) -> None:
    person(provider, "eve-1", email="eve@example.cn", email_verified=False)
    r = await through_provider(sso, "eve-1")
    assert r.status_code == 400 and "统一身份认证登录未成功" in r.text  # an unverified address

    person(provider, "carol-1", email="carol@example.cn", email_verified=True)
    start = await sso.get("/auth/oidc/start", follow_redirects=False)
    authorized = httpx.post(start.headers["location"], data={"sub": "carol-1"})
    back = urlsplit(authorized.headers["location"])
    callback = f"{back.path}?{back.query}"
    stolen = sso.cookies.get("oidc_state")
    sso.cookies.clear()  # another browser: no state cookie
    assert (await sso.get(callback, follow_redirects=False)).status_code == 400
    sso.cookies.set("oidc_state", stolen or "", path="/auth/oidc")
    first = await sso.get(callback, follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (302, "/register")
    sso.cookies.set("oidc_state", stolen or "", path="/auth/oidc")
    assert (await sso.get(callback, follow_redirects=False)).status_code == 400  # replayed
    tampered = callback.replace("state=", "state=x")
    assert (await sso.get(tampered, follow_redirects=False)).status_code == 400


async def test_without_a_provider_there_is_no_button(client: AsyncTestClient) -> None:
    assert 'id="oidc-login"' not in (await client.get("/login")).text
    r = await client.get("/auth/oidc/start", follow_redirects=False)
    assert r.headers["location"] == "/login"


async def test_an_unverified_account_linked_by_the_provider_loses_the_password_it_was_given(
    sso: AsyncTestClient, provider: str, pool: asyncpg.Pool
) -> None:
    # Someone registered the address first and never proved it; its owner then signs in.
    squatter = await register(sso, email="dora@example.cn", verified=False)
    person(provider, "dora-1", email="dora@example.cn", email_verified=True)
    done = await through_provider(sso, "dora-1")
    assert (done.status_code, done.headers["location"]) == (302, "/")
    me = await sso.get("/api/v1/me", headers={"Authorization": f"Bearer {squatter['token']}"})
    assert me.status_code == 401
    r = await sso.post(
        "/api/v1/auth/token", json={"email": "dora@example.cn", "password": PASSWORD}
    )
    assert (r.status_code, r.json()["code"]) == (401, "invalid_credentials")
    assert (await sso.get("/app")).status_code == 200  # the provider's user is signed in
    assert await pool.fetchval(
        "SELECT (data->>'password_ended')::boolean FROM audit_events"
        " WHERE action = 'user.identity_linked'"
    )


async def test_an_id_token_for_another_sign_in_is_refused(
    sso: AsyncTestClient, provider: str, pool: asyncpg.Pool
) -> None:
    """The ID token's nonce must be the one this browser's sign-in sent."""
    person(provider, "fay-1", email="fay@example.cn", email_verified=True)
    start = await sso.get("/auth/oidc/start", follow_redirects=False)
    await pool.execute("UPDATE oidc_logins SET nonce = 'another sign-in'")
    authorized = httpx.post(start.headers["location"], data={"sub": "fay-1"})
    back = urlsplit(authorized.headers["location"])
    r = await sso.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert r.status_code == 400 and "统一身份认证登录未成功" in r.text
    assert await pool.fetchval("SELECT count(*) FROM oidc_identities") == 0


async def test_starting_sign_ins_is_throttled_per_address(
    sso: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    for _ in range(30):
        assert (await sso.get("/auth/oidc/start", follow_redirects=False)).status_code == 302
    r = await sso.get("/auth/oidc/start", follow_redirects=False)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert await pool.fetchval("SELECT count(*) FROM oidc_logins") == 30
