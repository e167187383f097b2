"""How the API reads a JSON body: nesting bounded before decoding, then decoded strictly.

Litestar decodes a body to builtins and converts them with `strict=False`, which takes `0` or
`"true"` for a boolean and `"5"` for an integer, and msgspec's decoder recurses once per level
(a few thousand levels is a RecursionError, a 500). Here the body's nesting is counted first,
then it is decoded straight into the route's `data` type with strict rules; Litestar's own
conversion passes the decoded value through unchanged.
"""

from __future__ import annotations

import weakref
from array import array
from itertools import accumulate
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import SerializationException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.types import Empty

from domain.errors import RuleViolation
from portal.errors import ProblemError

MAX_DEPTH = 32

_NOT_MARKS = bytes(b for b in range(256) if b not in b'"[]{}')
_SIGNED = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")  # as signed bytes: +1, -1


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether `body` (JSON) nests arrays and objects more than `limit` levels deep.

    No Python loop over bytes: a body with no more opening brackets than `limit` cannot be too
    deep (two counts). Otherwise escaped backslashes and quotes go, then everything but quotes
    and brackets; adjacent quotes go (an empty string; which brackets are inside a string is the
    parity of the quotes before them, which this keeps), then what is left between quotes. The
    running depth's maximum is taken over what remains."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    if b"\\" in body:
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = body.translate(None, _NOT_MARKS).replace(b'""', b"")
    if b'"' in marks:
        marks = b"".join(marks.split(b'"')[::2])
    return max(accumulate(array("b", marks.translate(_SIGNED))), default=0) > limit


def nesting_problem() -> ProblemError:
    message = f"The JSON body nests more than {MAX_DEPTH} levels deep."
    message_zh = f"JSON 请求体的嵌套层数超过 {MAX_DEPTH} 层。"
    return ProblemError(
        422,
        "invalid_input",
        message,
        message_zh,
        errors=[RuleViolation("invalid_input", message, message_zh=message_zh)],
    )


# One strict decoder per route handler, made at its first body.
_decoders: weakref.WeakKeyDictionary[HTTPRouteHandler, msgspec.json.Decoder[Any]] = (
    weakref.WeakKeyDictionary()
)


def _decoder(handler: HTTPRouteHandler) -> msgspec.json.Decoder[Any]:
    decoder = _decoders.get(handler)
    if decoder is None:
        target = handler.signature_model.__annotations__.get("data", Any)
        decoder = _decoders[handler] = msgspec.json.Decoder(target)  # strict by default
    return decoder


def _invalid(exc: msgspec.ValidationError) -> ValidationException:
    # The shape Litestar gives its own validation errors (portal.errors reads `key`, `message`).
    message, _, at = str(exc).partition(" - at `$")
    key = at.removeprefix(".").removesuffix("`") or "data"
    return ValidationException(extra=[{"key": key, "message": message, "source": "body"}])


class PortalRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        if self._json is Empty:
            body = await self.body() or b"null"
            if too_deep(body):
                raise nesting_problem()
            try:
                value = _decoder(self.route_handler).decode(body)
            except msgspec.ValidationError as exc:
                raise _invalid(exc) from None
            except msgspec.DecodeError as exc:
                raise SerializationException(str(exc)) from exc  # Litestar's 400, as before
            self._json = self._connection_state.json = value
        return self._json
