"""Notices on paper: which one an application or a publicity batch may have, and when; the
verification code printed on each; the digest that ties the printed facts to the audit trail.

A notice is issued once per kind and subject and keeps the facts it was issued with, so a
reprint never differs from the first print.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from domain.errors import RuleViolation
from domain.lifecycle import STATUS_ZH, Status
from domain.throttle import ThrottleRule


class Kind(StrEnum):
    FILING = "filing"  # 备案确认书: an event filing recognized
    DECISION = "decision"  # 资金奖励决定书: a claim approved, with the award's breakdown
    PUBLICITY = "publicity"  # 公示公告: a publicity batch
    PAYMENT = "payment"  # 拨付通知书: a paid award


APPLICATION_KINDS = frozenset({Kind.FILING, Kind.DECISION, Kind.PAYMENT})

TITLE_ZH = {
    Kind.FILING: "重大活动事前备案确认书",
    Kind.DECISION: "资金奖励决定书",
    Kind.PUBLICITY: "资金奖励公示公告",
    Kind.PAYMENT: "资金拨付通知书",
}
TITLE_EN = {
    Kind.FILING: "Filing recognition notice",
    Kind.DECISION: "Award decision",
    Kind.PUBLICITY: "Publicity notice",
    Kind.PAYMENT: "Payment advice",
}

# The statuses in which each application notice stands (and may be printed).
_IN_FORCE: dict[Kind, frozenset[Status]] = {
    Kind.FILING: frozenset({Status.RECOGNIZED}),
    Kind.DECISION: frozenset(
        {Status.APPROVED, Status.PUBLICIZED, Status.CONFIRMED, Status.DISBURSED}
    ),
    Kind.PAYMENT: frozenset({Status.DISBURSED}),
}

_WHEN_EN = {
    Kind.FILING: "once the filing is recognized by an approver",
    Kind.DECISION: "once the claim is approved",
    Kind.PAYMENT: "once finance records the payment",
}
_WHEN_ZH = {
    Kind.FILING: "备案经复核认定后出具",
    Kind.DECISION: "申请经复核批准后出具",
    Kind.PAYMENT: "财务登记拨付后出具",
}

# Anyone may check a code or fetch a publicity notice: a few dozen a minute from one address.
PER_ADDRESS = ThrottleRule(
    max_hits=30, window=dt.timedelta(minutes=1), lockout=dt.timedelta(minutes=2)
)


def check_available(kind: Kind, prior: bool, status: Status) -> None:
    """May this application's notice of `kind` be printed now? 404 when the application can
    never have one (a claim has no filing notice), 409 saying when it will."""
    if kind not in APPLICATION_KINDS or prior != (kind == Kind.FILING):
        raise RuleViolation(
            "not_found",
            f"This application has no {TITLE_EN[kind].lower()}: a filing has a filing notice, "
            "a claim has an award decision and a payment advice.",
            message_zh=f"该申请没有{TITLE_ZH[kind]}:事前备案出具备案确认书,"
            "资金申报出具资金奖励决定书和资金拨付通知书。",
            status=404,
        )
    if status not in _IN_FORCE[kind]:
        raise RuleViolation(
            "notice_not_available",
            f"The {TITLE_EN[kind].lower()} is issued {_WHEN_EN[kind]}; "
            f"the application is {status} now.",
            message_zh=f"{TITLE_ZH[kind]}在{_WHEN_ZH[kind]};该申请当前状态为“{STATUS_ZH[status]}”。",
            status=409,
        )


def in_force(kind: Kind, status: Status | None) -> bool:
    """Whether what an application notice says still stands (an upheld objection withdraws an
    award; a publicity notice is a record of what was announced and always stands)."""
    return kind == Kind.PUBLICITY or (status is not None and status in _IN_FORCE[kind])


def kinds_for(status: Status | str) -> list[Kind]:
    """The notices an application in `status` has, in the order they come."""
    return [k for k in (Kind.FILING, Kind.DECISION, Kind.PAYMENT) if status in _IN_FORCE[k]]


def edition_of(kind: Kind, actions: list[str]) -> int:
    """Which award decision this is: an upheld objection withdraws an award, and a later
    approval is a new decision with a notice of its own. Every other notice has one edition.
    `actions`: the application's history, as its timeline names them."""
    if kind != Kind.DECISION:
        return 1
    return 1 + sum(a == "uphold_objection" for a in actions)


def publicity_open(starts_on: dt.date, today: dt.date) -> None:
    """A batch's notice is published on its first day, not before."""
    if today < starts_on:
        raise RuleViolation(
            "notice_not_available",
            f"The publicity notice is published on the batch's first day, {starts_on}.",
            message_zh=f"公示公告于公示首日({starts_on.isoformat()})发布。",
            status=409,
        )


# ------------------------------------------------------------------ codes and digests

# Crockford's base32: no I, L, O or U, so a code read off paper is not mistyped.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 bits: not guessable, still short enough to type
CODE_BYTES = CODE_LENGTH * 5 // 8
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def code_from(random: bytes) -> str:
    """The code made of `CODE_BYTES` random bytes, grouped `XXXX-XXXX-XXXX-XXXX`."""
    if len(random) != CODE_BYTES:
        raise ValueError(f"a code takes {CODE_BYTES} random bytes")
    number = int.from_bytes(random, "big")
    chars = [CODE_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH))]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, CODE_LENGTH, 4))


def normalize_code(text: str) -> str | None:
    """A code as someone typed it (any case, spaces or dashes, O for 0) in its printed form, or
    None when it cannot be one."""
    if len(text) > 4 * CODE_LENGTH:
        return None
    raw = "".join(c for c in text.upper() if c not in " -\t")
    raw = "".join(_READ_AS.get(c, c) for c in raw)
    if len(raw) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def digest_of(facts: Mapping[str, Any]) -> str:
    """SHA-256 of the facts in one canonical JSON form (sorted keys, no spaces, UTF-8): the same
    facts give the same digest whatever stored and read them back."""
    text = json.dumps(facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
