"""The user's language: the signed-in user's preference, else Accept-Language, else Chinese."""

from __future__ import annotations

from typing import Any, Literal

from litestar.connection import ASGIConnection

Language = Literal["zh", "en"]


def language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Language:
    user = connection.scope.get("user")
    if user is not None:
        return user.language  # type: ignore[no-any-return]
    chosen = connection.cookies.get("lang")
    if chosen in ("zh", "en"):
        return chosen  # type: ignore[return-value]
    accept = connection.headers.get("accept-language", "")
    first = accept.split(",", 1)[0].strip().lower()
    return "en" if first.startswith("en") else "zh"
