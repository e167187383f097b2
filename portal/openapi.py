"""OpenAPI settings, every documented error made a problem document, and the answers kept as
the schema says (media types of downloads, `Allow` on OPTIONS).

Litestar documents a 400 "Validation Exception" of its own shape on handlers with input; ours
are problem documents, so each error response is pointed at the Problem schema once, at start.
"""

from __future__ import annotations

from types import FunctionType
from typing import cast

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.routes import HTTPRoute

from portal.errors import PROBLEM_JSON

# In a handler's `opt`: the media types its success response can have, when the handler sets
# Content-Type itself (a document is sent as what it was recognized to be).
RESPONSE_TYPES = "response_media_types"

OPENAPI_CONFIG = OpenAPIConfig(
    title="AI Subsidy Portal (武汉市人工智能产业政策资金申报平台)",
    version="1.0.0",
    path="/schema",
    render_plugins=[ScalarRenderPlugin()],
)


def problem_responses_everywhere(app: Litestar) -> None:
    schema = app.openapi_schema
    problem = OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))
    binary = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY))
    response_types = {
        handler.operation_id: handler.opt[RESPONSE_TYPES]
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if RESPONSE_TYPES in handler.opt
    }
    for item in (schema.paths or {}).values():
        for op in (item.get, item.put, item.post, item.patch, item.delete):
            if op is None or not op.responses:
                continue
            if (types := response_types.get(op.operation_id)) is not None:
                for status, response in op.responses.items():
                    if status.startswith("2") and isinstance(response, OpenAPIResponse):
                        response.content = {t: binary for t in types}
            for status, response in list(op.responses.items()):
                if status.startswith(("4", "5")) and isinstance(response, OpenAPIResponse):
                    response.content = {PROBLEM_JSON: problem}
            # A path id that does not parse finds no route (404); any value the database
            # refuses is a 422 (portal.errors): both can happen wherever a caller sends values.
            if any(_in_path(p) for p in op.parameters or []):
                op.responses.setdefault("404", _problem("Not found", problem))
            if op.parameters or op.request_body:
                op.responses.setdefault("422", _problem("Invalid input", problem))
            op.responses.setdefault("500", _problem("Internal error (a bug)", problem))


def _in_path(parameter: object) -> bool:
    return getattr(getattr(parameter, "param_in", None), "value", None) == "path"


def _problem(description: str, problem: OpenAPIMediaType) -> OpenAPIResponse:
    return OpenAPIResponse(description=description, content={PROBLEM_JSON: problem})


def allow_every_method(app: Litestar) -> None:
    """OPTIONS answers `Allow` with every method of its path, as the schema lists them.

    Litestar 2 makes a path's OPTIONS handler with the path's first handler, and it keeps
    answering that route's methods after others join the path (litestar#4169, fixed in 3.0):
    `OPTIONS /api/v1/applications` said `OPTIONS, POST`. Each is pointed at its final route.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            fn = cast("FunctionType", handler.fn)
            if fn.__qualname__.endswith(".create_options_handler.<locals>.options_handler"):
                fn.__closure__[fn.__code__.co_freevars.index("self")].cell_contents = route  # type: ignore[index]
