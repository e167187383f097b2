"""Who hears an outbox row, and on which channels, given their preferences.

Loaded once per relay batch: the users of the organizations concerned, all active staff (a few
dozen people) with their scopes, the applications' titles and districts, and the stored
preferences of everyone involved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from uuid import UUID

import asyncpg

from domain.accounts import Role
from domain.stages import PAYMENT, PUBLICITY, responsible
from sql.notification_topics import CHANNELS, Topic
from sql.queries import Q


@dataclass(frozen=True, slots=True)
class Person:
    id: UUID | None  # None: an address that is no user's yet (an invitation)
    email: str
    phone: str | None
    language: str
    roles: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()  # a staff member's scope; none: the city


@dataclass(frozen=True, slots=True)
class Recipient:
    person: Person
    audience: str  # 'org': about their own application; 'staff': about work; 'direct': a link


@dataclass(frozen=True, slots=True)
class AppInfo:
    org_id: UUID
    type: str
    title: str
    org_name: str
    district: str


@dataclass
class Directory:
    org_users: dict[UUID, list[Person]] = field(default_factory=dict)
    staff: list[Person] = field(default_factory=list)
    applications: dict[UUID, AppInfo] = field(default_factory=dict)
    preferences: dict[tuple[UUID, str, str], bool] = field(default_factory=dict)


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def application_id(payload: Mapping[str, Any]) -> UUID | None:
    return _uuid(payload.get("application_id"))


def _org_id(payload: Mapping[str, Any], d: Directory) -> UUID | None:
    org = _uuid(payload.get("org_id"))
    if org is None:
        app = d.applications.get(application_id(payload) or UUID(int=0))
        org = app.org_id if app else None
    return org


async def load(conn: asyncpg.Connection, rows: Sequence[asyncpg.Record]) -> Directory:
    d = Directory()
    app_ids = {a for r in rows if (a := application_id(r["payload"])) is not None}
    for a in await conn.fetch(Q.relay_applications, list(app_ids)):
        d.applications[a["id"]] = AppInfo(
            a["org_id"], a["type"], a["title"], a["org_name"], a["district_code"]
        )
    org_ids = {o for r in rows if (o := _org_id(r["payload"], d)) is not None}
    for u in await conn.fetch(Q.relay_org_users, list(org_ids)):
        d.org_users.setdefault(u["org_id"], []).append(
            Person(u["id"], u["email"], u["phone"], u["language"])
        )
    d.staff = [
        Person(
            s["id"],
            s["email"],
            s["phone"],
            s["language"],
            frozenset(s["roles"]),
            frozenset(s["districts"]),
        )
        for s in await conn.fetch(Q.relay_staff_users)
    ]
    people = [p.id for ps in d.org_users.values() for p in ps] + [p.id for p in d.staff]
    topics = list({r["topic"] for r in rows})
    for p in await conn.fetch(Q.relay_preferences, people, topics):
        d.preferences[(p["user_id"], p["topic"], p["channel"])] = p["enabled"]
    return d


# Staff topics that ask for a step to be taken, by the stage whose step it is: an objection to
# resolve (publicity's), a recovery to open (finance's, as payment is). The review reminder names
# its own stage (workers.reminders).
WORK: Final[dict[str, str]] = {
    "objection.lodged": PUBLICITY,
    "follow_up.recovery_due": PAYMENT,
}


def _work_stage(t: Topic, payload: Mapping[str, Any]) -> str | None:
    if t.name == "reminder.review_sla":
        stage = payload.get("stage")
        return str(stage) if stage else None  # a reminder written before stages were named
    return WORK.get(t.name)


def _staff_hears(p: Person, app: AppInfo | None, about_app: bool, stage: str | None) -> bool:
    if not about_app:
        return True
    district = app.district if app is not None else ""  # unknown: the city's staff alone
    if p.districts and district not in p.districts:
        return False
    roles = frozenset(Role(r) for r in p.roles)
    return stage is None or responsible(stage, roles, p.districts, district)


def recipients(t: Topic, payload: Mapping[str, Any], d: Directory) -> list[Recipient]:
    """Who hears a row: its organization's users (org topics) and staff of the topic's roles.

    A staff topic about an application reaches only staff whose scope covers the application's
    district (the city's staff cover every district). One that asks for a step to be taken (WORK,
    and the review reminder) reaches only those who take it at the application's stage
    (domain.stages.responsible): a district's staff for its first review, the city's for every
    later step. Other staff topics (a submission, an objection dismissed, a repayment) are news
    for everyone in scope.
    """
    if t.direct:
        language = "en" if payload.get("language") == "en" else "zh"
        person = Person(_uuid(payload.get("user_id")), str(payload.get("to", "")), None, language)
        return [Recipient(person, "direct")] if person.email else []
    found: list[Recipient] = []
    seen: set[UUID | None] = set()
    if t.org:
        org = _org_id(payload, d)
        for p in d.org_users.get(org, []) if org else []:
            seen.add(p.id)
            found.append(Recipient(p, "org"))
    roles = frozenset(t.staff_roles)
    if t.name == "reminder.review_sla":  # the role that must act next, as the job decided
        roles = frozenset({str(payload.get("role", "reviewer"))}) & roles
    # A digest is one staff member's own (their scope's work): only they hear it.
    only = _uuid(payload.get("user_id")) if t.name == "digest.daily" else None
    app_id = application_id(payload)
    app = d.applications.get(app_id) if app_id is not None else None
    stage = _work_stage(t, payload)
    for p in d.staff:
        if only is not None and p.id != only:
            continue
        if (
            p.id not in seen
            and (t.all_staff or not roles.isdisjoint(p.roles))
            and _staff_hears(p, app, app_id is not None, stage)
        ):
            seen.add(p.id)
            found.append(Recipient(p, "staff"))
    return found


def channels(t: Topic, r: Recipient, d: Directory, *, email_on: bool) -> Iterable[str]:
    if t.direct:
        yield from ("email",) if email_on else ()
        return
    for channel in CHANNELS:
        if (channel == "email" and not email_on) or (channel == "sms" and not r.person.phone):
            continue
        if r.audience == "org" and t.locked(channel):
            yield channel  # a decision on their own application: always told
        elif r.person.id is not None and d.preferences.get(
            (r.person.id, t.name, channel), t.default_enabled(channel)
        ):
            yield channel
