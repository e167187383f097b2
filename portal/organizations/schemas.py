from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from portal.applications.payee import Payee
from portal.types import Email, Name, Phone

OrgRoleName = Literal["org_admin", "member"]
Address = Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^\x00]*$")]


class OrgOut(msgspec.Struct):
    id: UUID
    name: str
    uscc: str
    district_code: str
    contact_name: str
    contact_phone: str
    address: str
    bank_account: Payee | None


class OrgPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The contact details; name, USCC and district are as registered and cannot change here."""

    contact_name: Name | None = None
    contact_phone: Phone | None = None
    address: Address | None = None


class MemberOut(msgspec.Struct):
    user_id: UUID
    email: str
    name: str
    role: OrgRoleName
    verified: bool


class MemberRoleIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    role: OrgRoleName


class MemberList(msgspec.Struct):
    items: list[MemberOut]


class InvitationIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: Email
    role: OrgRoleName = "member"


class InvitationOut(msgspec.Struct):
    email: str
    role: OrgRoleName
    expires_at: dt.datetime


class InvitationList(msgspec.Struct):
    items: list[InvitationOut]


class CountOut(msgspec.Struct):
    program_code: str
    program_title: str
    status: str
    count: int


class HistoryOut(msgspec.Struct):
    """The organization with the portal: its applications by program and status, and money."""

    applications: list[CountOut]
    awarded: str  # approved awards not withdrawn, paid or not
    paid: str
    repaid: str
