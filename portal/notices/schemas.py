from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import msgspec

KindName = Literal["filing", "decision", "publicity", "payment"]


@dataclass(frozen=True, slots=True)
class NoticeFile:
    """A notice's PDF, ready to send."""

    content: bytes
    reference: str
    kind: str
    code: str


class VerifiedNotice(msgspec.Struct, kw_only=True):
    """What the public may check of a notice by its code: the facts printed on it that identify
    it, whether they still match what was issued and the audit trail, and whether it stands."""

    code: str
    genuine: bool  # the portal issued a notice with this code (an unknown code is a 404)
    kind: KindName
    title: str
    reference: str
    org_name: str | None  # None for a publicity notice, which names many
    amount: str | None  # yuan; a filing notice has none, a publicity notice its total
    amount_wan: str | None  # the same rounded for reading (万元, or millions of yuan in English)
    count: int | None  # awards in a publicity notice
    issued_on: dt.date
    issued_at: dt.datetime
    digest: str  # SHA-256 of the stored facts, recomputed now
    # The recomputed digest is the one stored at issue and the one in the audit trail's
    # notice_issued event for this code: nothing printed has been changed since.
    audit_matches: bool
    in_force: bool  # false once the award it states has been withdrawn or decided anew
    status: str | None  # the application's status now (application notices)
