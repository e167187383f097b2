"""RFC 9457 problem responses: every error the portal gives has a stable `code`."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import Send

from domain.errors import RuleViolation
from portal.i18n import language_of
from portal.types import PATTERN_MEANING

log = logging.getLogger("portal.errors")

PROBLEM_JSON = "application/problem+json"


class FieldError(msgspec.Struct):
    field: str
    code: str
    message: str


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem document."""

    status: int
    title: str
    detail: str
    code: str
    type: str = "about:blank"
    errors: list[FieldError] | None = None


@dataclass
class ProblemError(Exception):
    """Raised anywhere in the portal to answer with a problem document."""

    status: int
    code: str
    detail_en: str
    detail_zh: str = ""
    errors: list[RuleViolation] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.detail_en)


_TITLES: dict[int, tuple[str, str]] = {
    400: ("Bad request", "请求有误"),
    401: ("Not signed in", "未登录"),
    403: ("Forbidden", "无权操作"),
    404: ("Not found", "未找到"),
    405: ("Method not allowed", "不支持的请求方法"),
    409: ("Conflict", "与当前状态冲突"),
    410: ("Gone", "已不存在"),
    413: ("Too large", "内容过大"),
    415: ("Unsupported media type", "不支持的文件类型"),
    422: ("Invalid input", "输入不符合要求"),
    429: ("Too many requests", "请求过于频繁"),
    500: ("Internal error", "系统内部错误"),
    503: ("Service unavailable", "服务暂不可用"),
}

_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


def problem_of(err: ProblemError, zh: bool) -> Problem:
    """The document for `err`, in Chinese or English."""
    title_en, title_zh = _TITLES.get(err.status, ("Error", "错误"))
    errors = None
    if err.status == 422:
        errors = [
            FieldError(field=v.field or "$", code=v.code, message=v.message_zh if zh else v.message)
            for v in err.errors
        ]
    return Problem(
        status=err.status,
        title=title_zh if zh else title_en,
        detail=(err.detail_zh or err.detail_en) if zh else err.detail_en,
        code=err.code,
        errors=errors,
    )


def _respond(request: Request[Any, Any, Any], err: ProblemError) -> Response[Problem]:
    problem = problem_of(err, language_of(request) == "zh")
    return Response(problem, status_code=err.status, media_type=PROBLEM_JSON, headers=err.headers)


async def send_problem(
    send: Send, problem: Problem, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Answer with `problem` from an ASGI middleware, before or instead of the handler."""
    body = msgspec.json.encode(problem)
    await send(
        {
            "type": "http.response.start",
            "status": problem.status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


def too_many(until: datetime, now: datetime) -> ProblemError:
    """429 with Retry-After: a rate limit (`sql.throttle`) holds until `until`."""
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return ProblemError(
        429,
        "too_many_requests",
        f"Too many requests from here just now; try again in {seconds} seconds.",
        f"操作过于频繁,请在{seconds}秒后重试。",
        headers={"Retry-After": str(seconds)},
    )


def forbidden() -> ProblemError:
    return ProblemError(
        403, "forbidden", "Your roles do not allow this.", "您的角色无权进行此操作。"
    )


def not_signed_in(detail: str = "Sign in or send a bearer token.") -> ProblemError:
    return ProblemError(
        401, "unauthorized", detail, "请先登录。", headers={"WWW-Authenticate": "Bearer"}
    )


def from_violation(v: RuleViolation) -> ProblemError:
    return ProblemError(v.status, v.code, v.message, v.message_zh, errors=[v])


def _meaning(message: str) -> tuple[str, str]:
    """msgspec's words for a value that does not match a pattern, said as what the value must be."""
    pattern = message.removeprefix("Expected `str` matching regex ").strip("'")
    if pattern != message and (meaning := PATTERN_MEANING.get(pattern.replace("\\\\", "\\"))):
        return meaning[0].capitalize(), meaning[1]
    return message, f"格式不正确:{message}"


def _validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Problem]:
    items = exc.extra if isinstance(exc.extra, list) else []
    errors = []
    for item in items:
        key = str(item.get("key") or "$") if isinstance(item, dict) else "$"
        message = str(item.get("message", "invalid value")) if isinstance(item, dict) else str(item)
        en, zh = _meaning(message)
        errors.append(RuleViolation("invalid_input", en, field=key, message_zh=zh))
    if not errors:
        errors.append(
            RuleViolation("invalid_input", str(exc.detail), message_zh="请求内容格式不正确")
        )
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return _respond(
        request,
        ProblemError(
            422, "invalid_input", f"Fix these fields: {detail}", f"请修改以下字段:{detail}", errors
        ),
    )


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    status = exc.status_code
    headers = dict(exc.headers or {})
    if isinstance(exc, NotAuthorizedException):
        err = not_signed_in() if exc.detail == "Unauthorized" else not_signed_in(exc.detail)
        return _respond(request, replace(err, headers={**err.headers, **headers}))
    if isinstance(exc, PermissionDeniedException):
        return _respond(request, forbidden())
    title_en, title_zh = _TITLES.get(status, ("Error", "错误"))
    detail = exc.detail or title_en
    return _respond(
        request,
        ProblemError(
            status, _CODES.get(status, f"http_{status}"), detail, title_zh, headers=headers
        ),
    )


def _problem(request: Request[Any, Any, Any], exc: ProblemError) -> Response[Problem]:
    return _respond(request, exc)


def _rule(request: Request[Any, Any, Any], exc: RuleViolation) -> Response[Problem]:
    return _respond(request, from_violation(exc))


def _database_data(request: Request[Any, Any, Any], exc: asyncpg.DataError) -> Response[Problem]:
    # Input that slipped past the edge but PostgreSQL refuses (class 22): still the client's.
    log.warning("database refused input: %s", exc.__class__.__name__)
    return _respond(
        request,
        ProblemError(
            422,
            "invalid_input",
            "A value is out of range or malformed.",
            "输入的值超出范围或格式不正确。",
        ),
    )


def _unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    log.error("database unavailable: %r", exc)
    return _respond(
        request,
        ProblemError(
            503,
            "service_unavailable",
            "The database cannot be reached; please try again shortly.",
            "数据库暂时无法连接,请稍后重试。",
            headers={"Retry-After": "5"},
        ),
    )


def _internal(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(
        request,
        ProblemError(
            500,
            "internal_error",
            "Something went wrong on our side; it has been logged.",
            "系统内部错误,已记录。",
        ),
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    ProblemError: _problem,
    RuleViolation: _rule,
    ValidationException: _validation,
    HTTPException: _http,
    asyncpg.DataError: _database_data,
    asyncpg.PostgresConnectionError: _unavailable,
    asyncpg.exceptions.OperatorInterventionError: _unavailable,  # shutdown, cannot connect now
    asyncpg.InvalidCatalogNameError: _unavailable,
    asyncpg.TooManyConnectionsError: _unavailable,
    # A pooled connection that took the server's shutdown notice while idle is caught out at its
    # next use ("another operation is in progress"); it is dropped at release, the retry works.
    asyncpg.exceptions.InternalClientError: _unavailable,
    ConnectionError: _unavailable,
    OSError: _unavailable,
    TimeoutError: _unavailable,
    Exception: _internal,
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problem responses a handler can give."""
    return {
        s: ResponseSpec(
            data_container=Problem,
            description=f"{_TITLES.get(s, ('Error', ''))[0]} (problem document with a stable code)",
            media_type=PROBLEM_JSON,
        )
        for s in statuses
    }
