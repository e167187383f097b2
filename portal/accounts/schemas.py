from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec

from portal.types import Email, Name, Password, Phone, UsccText

RoleName = Literal["reviewer", "approver", "finance", "admin", "auditor"]
# One of Wuhan's districts (GB/T 2260): a district staff member's scope.
DistrictCode = Literal[
    "420102", "420103", "420104", "420105", "420106", "420107", "420111",
    "420112", "420113", "420114", "420115", "420116", "420117",
]  # fmt: skip
Districts = Annotated[list[DistrictCode], msgspec.Meta(max_length=13)]


class _In(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class OrgIn(_In):
    name: Name
    uscc: UsccText
    contact_name: Name
    contact_phone: Phone


class NewUserIn(_In):
    email: Email
    password: Password
    name: Name


class RegisterIn(_In):
    org: OrgIn
    user: NewUserIn


class OrgOut(msgspec.Struct):
    id: UUID
    name: str
    uscc: str
    district_code: str


class UserRef(msgspec.Struct):
    id: UUID
    email: str


class RegisterOut(msgspec.Struct):
    org: OrgOut
    user: UserRef


class LoginIn(_In):
    email: Email
    password: Password


class TokenOut(msgspec.Struct):
    access_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 - the scheme name, not a secret


class MeUser(msgspec.Struct):
    id: UUID
    email: str
    name: str
    roles: list[RoleName]
    language: str
    email_verified: bool = True
    org_role: Literal["org_admin", "member"] | None = None


class MeOrg(msgspec.Struct):
    id: UUID
    name: str
    uscc: str
    district_code: str
    registered_in_wuhan: bool
    contact_name: str
    contact_phone: str


class MeOut(msgspec.Struct):
    user: MeUser
    org: MeOrg | None


class StaffUserIn(_In):
    email: Email
    password: Password
    name: Name
    roles: Annotated[list[RoleName], msgspec.Meta(min_length=1, max_length=5)]
    districts: Districts = []  # none: the city's scope


class DistrictsIn(_In):
    districts: Districts  # none: the city's scope


class RolesIn(_In):
    roles: Annotated[list[RoleName], msgspec.Meta(max_length=5)]


class CreatedOut(msgspec.Struct):
    id: UUID


class StaffUserOut(msgspec.Struct):
    id: UUID
    email: str
    name: str
    roles: list[RoleName]
    is_active: bool
    districts: list[str] = []  # none: the city's scope


# Any text: a link's token that is not one we gave out is 400 token_invalid, however it looks.
Token = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


class TokenIn(_In):
    token: Token


class ResetRequestIn(_In):
    email: Email


class ResetConfirmIn(_In):
    token: Token
    password: Password


class PasswordChangeIn(_In):
    current_password: Password
    new_password: Password


class InvitationAcceptIn(_In):
    token: Token
    name: Name
    password: Password


class AcceptedOut(msgspec.Struct):
    user: UserRef


class ActiveIn(_In):
    active: bool


class QueuedOut(msgspec.Struct):
    """A mail is on its way if there is one to send; the answer never says whether there was."""

    accepted: bool = True
