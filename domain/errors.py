"""Rule violations raised by the domain and mapped to problem responses at the edge."""

from __future__ import annotations


class RuleViolation(Exception):
    """A business rule refused the input.

    `code` is stable (API.md); `status` is the HTTP status the edge uses (422 unless a
    conflict); `field` names the input at fault when there is one.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        status: int = 422,
        message_zh: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh or message
        self.field = field
        self.status = status
