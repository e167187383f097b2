from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from domain.accounts import Role


@dataclass(slots=True, eq=False)
class TokenCheck:
    """A bearer token whose caller this request took from the process's cache
    (`portal.auth.callers`) instead of reading it: it still has to be shown valid in the
    database, either by the request's own statement (which then sets `verified`) or by a read
    before the answer goes out (`portal.auth.middleware`)."""

    digest: bytes
    verified: bool = False


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
    org_role: str | None = None  # 'org_admin' or 'member' in their organization
    email_verified: bool = True
    # A staff member's scope: the districts whose applications alone they see; none: the city.
    districts: frozenset[str] = frozenset()
    # Set when the caller came from the cache, not the database; not part of who they are.
    token_check: TokenCheck | None = field(default=None, compare=False)

    @property
    def actor(self) -> str:
        """How the audit trail names this user."""
        return f"user:{self.user_id}"

    @property
    def org_admin(self) -> bool:
        return self.org_id is not None and self.org_role == "org_admin"

    @property
    def city(self) -> bool:
        return not self.districts

    def covers(self, district: str) -> bool:
        """Whether an application of `district` is within this person's scope."""
        return not self.districts or district in self.districts

    def scope(self) -> list[str] | None:
        """The districts a list is limited to, as the queries take them (None: all)."""
        return sorted(self.districts) if self.districts else None

    def has_any(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def verified_by_statement(self) -> None:
        """The request's statement found the token valid: the answer need not read it again."""
        if self.token_check is not None:
            self.token_check.verified = True

    def unverified_token(self) -> bytes | None:
        """The token digest the request's statement must check, if any."""
        check = self.token_check
        return check.digest if check is not None and not check.verified else None
