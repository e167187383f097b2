"""What each notification topic is, who hears it, and which channels a recipient may turn off.

Pure data shared by the portal (preferences) and the workers (relay), which may not import each
other; it sits in `sql` because that is the one layer below both that this capability owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Channel = Literal["inbox", "email", "sms"]
CHANNELS: Final[tuple[Channel, ...]] = ("inbox", "email", "sms")
# Decisions on one's own application reach these channels whatever the preferences say.
PROTECTED_CHANNELS: Final[frozenset[str]] = frozenset({"inbox", "email"})


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    org: bool = False  # the users of the application's organization hear it
    staff_roles: tuple[str, ...] = ()  # staff with one of these roles hear it
    all_staff: bool = False  # every active staff user hears it
    protected: bool = False  # a decision on the recipient's own application
    sms_default: bool = False  # SMS costs money and interrupts: on only for what matters
    email_default: bool = True  # off for work that the inbox and the daily digest carry
    direct: bool = False  # by e-mail to the payload's `to` only (a link for that address)

    def default_enabled(self, channel: str) -> bool:
        if channel == "email":
            return self.email_default
        return channel != "sms" or self.sms_default

    def locked(self, channel: str) -> bool:
        """True when this channel of this topic cannot be turned off."""
        return self.protected and channel in PROTECTED_CHANNELS


def _decision(action: str, staff_roles: tuple[str, ...] = ()) -> Topic:
    return Topic(
        f"application.{action}", org=True, staff_roles=staff_roles, protected=True, sms_default=True
    )


TOPICS: Final[dict[str, Topic]] = {
    t.name: t
    for t in (
        # A receipt for the applicant, and work arriving for the reviewers.
        Topic("application.submit", org=True, staff_roles=("reviewer",)),
        Topic("application.withdraw", org=True),
        _decision("pass"),
        _decision("return"),
        _decision("reject"),
        _decision("approve"),
        Topic("application.publicize", org=True),
        Topic("application.confirm", org=True),
        _decision("disburse"),
        _decision("lapse"),
        # The award goes back to review: the applicant must know, the reviewers get the work.
        _decision("uphold_objection", staff_roles=("reviewer",)),
        # One objection reaches those who resolve it once, in their inbox (and the daily digest);
        # not an e-mail to every reviewer.
        Topic("objection.lodged", staff_roles=("approver",), email_default=False),
        # The organization reads why it was dismissed; reviewers see the award go on.
        Topic(
            "objection.dismissed",
            org=True,
            staff_roles=("reviewer",),
            protected=True,
            email_default=False,
        ),
        # Money to be won back from a paid award, and each repayment: the firm and finance.
        Topic(
            "recovery.opened",
            org=True,
            staff_roles=("finance",),
            protected=True,
            sms_default=True,
        ),
        Topic("recovery.repaid", org=True, staff_roles=("finance",), protected=True),
        # The yearly follow-up found < 80% invested in Wuhan: the firm must repay, finance recovers.
        Topic(
            "follow_up.recovery_due",
            org=True,
            staff_roles=("finance",),
            protected=True,
            sms_default=True,
        ),
        Topic("reminder.claim_deadline", org=True, sms_default=True),
        # Links for one address: verify it, reset a password, join an organization.
        Topic("account.verify_email", direct=True),
        Topic("account.password_reset", direct=True),
        Topic("account.invitation", direct=True),
        # Sent to the role that must act next (named in the payload): reviewers or approvers.
        Topic("reminder.review_sla", staff_roles=("reviewer", "approver")),
        Topic("digest.daily", all_staff=True),
    )
}

# Nothing to tell: the applicant made the draft themselves.
SILENT: Final[frozenset[str]] = frozenset({"application.created"})


def topic(name: str) -> Topic | None:
    """The topic of an outbox row; an `application.*` action not listed yet (a new application
    type's transition) still reaches its organization, as a plain status change."""
    if name in SILENT:
        return None
    found = TOPICS.get(name)
    if found is None and name.startswith("application."):
        return Topic(name, org=True)
    return found


def topics_for(*, org_member: bool, roles: frozenset[str]) -> list[Topic]:
    """The topics a user can hear, in catalogue order: what their preferences page lists."""
    return [
        t
        for t in TOPICS.values()
        if (org_member and t.org)
        or (roles and (t.all_staff or not roles.isdisjoint(t.staff_roles)))
    ]
