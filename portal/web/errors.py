"""How pages answer errors: sign-in first, else a page in the user's language, never JSON."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Redirect

from domain.errors import RuleViolation
from portal.errors import ProblemError
from portal.i18n import language_of
from portal.web.templating import page


def _not_signed_in(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?next={quote(target)}")


def _error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    zh = language_of(request) == "zh"
    if isinstance(exc, ProblemError):
        status, message = exc.status, exc.detail_zh if zh else exc.detail_en
    elif isinstance(exc, RuleViolation):
        status, message = exc.status, exc.message_zh if zh else exc.message
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        zh_message = {403: "您无权访问此页面。", 404: "页面不存在。"}.get(status, "请求有误。")
        message = zh_message if zh else str(exc.detail)
    else:
        raise exc
    return page(request, "error.html", status_code=status, status=status, message=message)


PAGE_EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    NotAuthorizedException: _not_signed_in,
    ProblemError: _error_page,
    RuleViolation: _error_page,
    HTTPException: _error_page,
}
