"""OpenAPI settings, and every documented error made a problem document.

Litestar documents a 400 "Validation Exception" of its own shape on handlers with input; ours
are problem documents, so each error response is pointed at the Problem schema once, at start.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Reference

from portal.errors import PROBLEM_JSON

OPENAPI_CONFIG = OpenAPIConfig(
    title="AI Subsidy Portal (武汉市人工智能产业政策资金申报平台)",
    version="1.0.0",
    path="/schema",
    render_plugins=[ScalarRenderPlugin()],
)


def problem_responses_everywhere(app: Litestar) -> None:
    schema = app.openapi_schema
    problem = OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))
    for item in (schema.paths or {}).values():
        for op in (item.get, item.put, item.post, item.patch, item.delete):
            if op is None or not op.responses:
                continue
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
