"""Settings shared by the portal and the workers, read once from the environment.

They live here because `sql` is the one layer below both processes; each group is a concern.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import msgspec

Environment = Literal["development", "test", "production"]

# Only ever used when PORTAL_ENV is development or test; production refuses to start without one.
DEV_SECRET = "development-only-secret-never-use-in-production"  # noqa: S105


class SettingsError(ValueError):
    """A setting has a bad value; the message says which one and what to put there."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: Environment = "development"
    data_dir: Path = Path(".data")
    database_url: str | None = None
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = DEV_SECRET
    smtp_url: str | None = None
    mail_from: str = "noreply@ai-subsidy.wuhan.gov.cn"
    sms_gateway_url: str | None = None
    token_ttl_seconds: int = 8 * 3600
    trusted_proxies: tuple[str, ...] = ()
    db_pool_min: int = 2
    db_pool_max: int = 10
    # Where people reach the portal: the links in e-mails lead there.
    base_url: str | None = None
    # Single sign-on with an OpenID Connect provider (the province's unified identity platform);
    # without an issuer, sign-in is by password only.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_name: str = "湖北政务服务网统一身份认证"
    # A training clock: "today" moved by this many days in the portal and the worker, so that a
    # sandbox can pass an event's end or a publicity period; refused in production.
    clock_offset_days: int = 0
    # Where the CJK font for printed notices is (Debian's fonts-noto-cjk); read, never downloaded.
    pdf_font_dir: Path = Path("/usr/share/fonts/opentype/noto")

    @property
    def secure_cookies(self) -> bool:
        return self.env == "production"

    @property
    def public_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def mail_folder(self) -> Path:
        """Where e-mail goes as .eml files when there is no SMTP_URL."""
        return self.data_dir / "mail"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


_ENV_NAMES: dict[str, str] = {
    "env": "PORTAL_ENV",
    "data_dir": "PORTAL_DATA_DIR",
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "host": "PORTAL_HOST",
    "port": "PORTAL_PORT",
    "secret_key": "PORTAL_SECRET_KEY",
    "smtp_url": "SMTP_URL",
    "mail_from": "PORTAL_MAIL_FROM",
    "sms_gateway_url": "SMS_GATEWAY_URL",
    "token_ttl_seconds": "PORTAL_TOKEN_TTL_SECONDS",
    "trusted_proxies": "PORTAL_TRUSTED_PROXIES",
    "db_pool_min": "PORTAL_DB_POOL_MIN",
    "db_pool_max": "PORTAL_DB_POOL_MAX",
    "base_url": "PORTAL_BASE_URL",
    "oidc_issuer": "PORTAL_OIDC_ISSUER",
    "oidc_client_id": "PORTAL_OIDC_CLIENT_ID",
    "oidc_client_secret": "PORTAL_OIDC_CLIENT_SECRET",
    "oidc_name": "PORTAL_OIDC_NAME",
    "clock_offset_days": "PORTAL_CLOCK_OFFSET_DAYS",
    "pdf_font_dir": "PORTAL_PDF_FONT_DIR",
}


def _dec_hook(typ: type, value: object) -> object:
    if typ is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build Settings from the environment, failing fast with the variable's name."""
    environ = dict(os.environ) if environ is None else environ
    raw: dict[str, object] = {}
    for field, name in _ENV_NAMES.items():
        value = environ.get(name)
        if value is None or value == "":
            continue
        if field == "trusted_proxies":
            raw[field] = [p.strip() for p in value.split(",") if p.strip()]
        else:
            raw[field] = value
    try:
        settings = msgspec.convert(raw, Settings, strict=False, dec_hook=_dec_hook)
    except msgspec.ValidationError as exc:
        field = str(exc).rsplit("`$.", 1)[-1].rstrip("`")
        name = _ENV_NAMES.get(field, field)
        raise SettingsError(f"{name}: {exc}") from None
    if settings.env == "production":
        if settings.secret_key == DEV_SECRET or len(settings.secret_key) < 32:
            raise SettingsError(
                "PORTAL_SECRET_KEY: set a random secret of at least 32 characters in production"
            )
        if not settings.database_url or not settings.redis_url:
            raise SettingsError("DATABASE_URL and REDIS_URL must be set in production")
        if settings.clock_offset_days:
            raise SettingsError(
                "PORTAL_CLOCK_OFFSET_DAYS: a training clock is for sandboxes; unset it in "
                "production"
            )
    if not -3650 <= settings.clock_offset_days <= 3650:
        raise SettingsError("PORTAL_CLOCK_OFFSET_DAYS: a number of days within ten years (±3650)")
    if not 1 <= settings.port <= 65535:
        raise SettingsError(f"PORTAL_PORT: {settings.port} is not a TCP port (1-65535)")
    if settings.oidc_issuer and not (settings.oidc_client_id and settings.oidc_client_secret):
        raise SettingsError(
            "PORTAL_OIDC_CLIENT_ID and PORTAL_OIDC_CLIENT_SECRET go with PORTAL_OIDC_ISSUER"
        )
    if settings.db_pool_min > settings.db_pool_max:
        raise SettingsError("PORTAL_DB_POOL_MIN must not exceed PORTAL_DB_POOL_MAX")
    return settings
