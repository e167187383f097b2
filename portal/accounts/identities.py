"""Sign-in through an OpenID Connect provider (the province's unified identity platform).

Authlib speaks the protocol: the authorization code flow with PKCE (S256), `state` and `nonce`,
and the ID token's signature (the provider's published keys), issuer, audience, nonce and times
checked. What is this portal's: a sign-in in flight is kept in PostgreSQL (any portal process may
take the callback), bound to the browser by a cookie holding its `state`; an identity is linked
to an account once, by the account's verified e-mail, or it starts a registration.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import msgspec
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import BaseApp
from authlib.integrations.base_client.async_app import AsyncOAuth2Mixin
from authlib.integrations.base_client.async_openid import AsyncOpenIDMixin

with warnings.catch_warnings():  # Authlib would rather have the httpx2 fork; httpx serves
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc.errors import JoseError

from domain.accounts import normalize_email
from domain.people import SIGN_IN_START_PER_ADDRESS, token_invalid
from portal.auth.passwords import NO_PASSWORD
from portal.auth.tokens import new_token, token_hash
from portal.errors import ProblemError, too_many
from sql import audit, throttle
from sql.pool import transaction
from sql.queries import Q
from sql.settings import Settings

CALLBACK = "/auth/oidc/callback"
SIGN_IN_TIME = dt.timedelta(minutes=10)  # from the redirect to the provider to its callback
REGISTER_TIME = dt.timedelta(minutes=30)  # to give the organization's details after it


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the provider says signed in: its subject, and an address it has verified."""

    issuer: str
    subject: str
    email: str
    name: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a callback leads: a signed-in user, or a registration waiting (its key)."""

    user_id: UUID | None = None
    registration: str | None = None
    next_path: str = "/"
    identity: Identity | None = None


class _Provider(AsyncOAuth2Mixin, AsyncOpenIDMixin, BaseApp):  # type: ignore[misc]
    client_cls = AsyncOAuth2Client


def provider(settings: Settings) -> Any:
    """The provider's client; its discovery document and keys are fetched when first needed."""
    issuer = (settings.oidc_issuer or "").rstrip("/")
    return _Provider(
        None,
        name="oidc",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )


def failed(detail: str) -> Exception:
    """A callback that proves nothing: the same 400 as any link that does not hold."""
    v = token_invalid()
    v.message = f"The sign-in with the identity provider failed ({detail}); please try again."
    v.message_zh = "统一身份认证登录未成功,请重试。"
    return v


def unreachable() -> ProblemError:
    return ProblemError(
        503,
        "identity_provider_unavailable",
        "The identity provider cannot be reached; sign in with your password, or try later.",
        "统一身份认证平台暂时无法访问,请使用密码登录或稍后再试。",
        headers={"Retry-After": "30"},
    )


async def start(
    pool: asyncpg.Pool,
    client: Any,
    settings: Settings,
    now: dt.datetime,
    next_path: str,
    address: str,
) -> tuple[str, str]:
    """The provider's authorization URL, and the `state` for the browser's cookie; throttled
    per client `address` (each start writes a row until it expires)."""
    try:
        made = await client.create_authorization_url(f"{settings.public_url}{CALLBACK}")
    except httpx.HTTPError:
        raise unreachable() from None
    async with transaction(pool) as conn:
        until = await throttle.admit(conn, f"oidc-start:{address}", SIGN_IN_START_PER_ADDRESS, now)
        if until is not None:
            raise too_many(until, now)
        await conn.execute(
            Q.insert_oidc_login,
            token_hash(made["state"]),
            "authorizing",
            made["nonce"],
            made["code_verifier"],
            next_path,
            None,
            now,
            now + SIGN_IN_TIME,
        )
    return str(made["url"]), str(made["state"])


async def finish(
    pool: asyncpg.Pool,
    client: Any,
    settings: Settings,
    now: dt.datetime,
    *,
    code: str,
    state: str,
    browser_state: str | None,
) -> Outcome:
    """Take the provider's answer: check it, then sign in, link, or start a registration."""
    if not code or not state or state != browser_state:
        raise failed("state")  # not the browser that started it: a forged sign-in
    flight = await pool.fetchrow(Q.take_oidc_login, token_hash(state), "authorizing", now)
    if flight is None:
        raise failed("expired")
    try:
        token = await client.fetch_access_token(
            redirect_uri=f"{settings.public_url}{CALLBACK}",
            code=code,
            code_verifier=flight["code_verifier"],
        )
        issuer = (await client.load_server_metadata())["issuer"]
        claims = await client.parse_id_token(
            token,
            nonce=flight["nonce"],
            claims_options={
                "iss": {"essential": True, "values": [issuer]},
                "aud": {"essential": True, "values": [settings.oidc_client_id]},
            },
        )
    except httpx.HTTPError:
        raise unreachable() from None
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as exc:
        raise failed(type(exc).__name__) from None
    if not claims.get("email") or claims.get("email_verified") is not True:
        raise failed("no verified e-mail")
    identity = Identity(
        issuer,
        str(claims["sub"]),
        normalize_email(str(claims["email"])),
        str(claims.get("name") or ""),
    )
    return await _settle(pool, now, identity, flight["next_path"])


async def _settle(
    pool: asyncpg.Pool, now: dt.datetime, identity: Identity, next_path: str
) -> Outcome:
    async with transaction(pool) as conn:
        user_id = await conn.fetchval(Q.user_by_identity, identity.issuer, identity.subject)
        if user_id is None:
            user = await conn.fetchrow(Q.user_by_email, identity.email)
            if user is not None and user["is_active"]:
                user_id = user["id"]
                await conn.execute(Q.link_identity, identity.issuer, identity.subject, user_id, now)
                if not user["email_verified"]:
                    # Whoever chose this account's password never proved the address; the
                    # provider's user did. Their password and sign-ins end (a reset sets one).
                    await conn.execute(Q.set_password, user_id, NO_PASSWORD)
                    await conn.execute(Q.revoke_user_tokens, user_id, now, None)
                    await conn.execute(Q.delete_user_sessions, user_id, None)
                await conn.execute(Q.verify_email, user_id, now)  # the provider verified it
                await audit.append(
                    conn,
                    at=now,
                    actor=f"user:{user_id}",
                    action="user.identity_linked",
                    entity_type="user",
                    entity_id=str(user_id),
                    data={
                        "issuer": identity.issuer,
                        "subject": identity.subject,
                        "password_ended": not user["email_verified"],
                    },
                )
        if user_id is not None:
            return Outcome(user_id=user_id, next_path=next_path)
        key, digest = new_token()
        await conn.execute(
            Q.insert_oidc_login,
            digest,
            "registering",
            None,
            None,
            next_path,
            msgspec.to_builtins(identity),
            now,
            now + REGISTER_TIME,
        )
    return Outcome(registration=key, identity=identity)


async def waiting(pool: asyncpg.Pool, key: str | None, now: dt.datetime) -> Identity | None:
    """The identity a registration started by the provider is for (not taken yet)."""
    if not key:
        return None
    row = await pool.fetchrow(Q.peek_oidc_login, token_hash(key[:200]), now)
    return msgspec.convert(row["identity"], Identity) if row is not None else None


async def forget(pool: asyncpg.Pool, key: str) -> None:
    """The waiting identity is registered: the key is no good any more."""
    await pool.execute(Q.forget_oidc_login, token_hash(key[:200]))
