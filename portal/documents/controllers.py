from __future__ import annotations

from litestar import Controller


class DocumentController(Controller):
    """Placeholder until the documents capability lands."""

    path = "/api/v1/documents"
