from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.accounts import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user as the request sees it."""

    user_id: UUID
    email: str
    name: str
    org_id: UUID | None
    roles: frozenset[Role]
    language: str
    org_uscc: str | None = None  # their organization's, for a draft's fingerprint

    @property
    def actor(self) -> str:
        """How the audit trail names this user."""
        return f"user:{self.user_id}"

    def has_any(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)
