"""An organization's people and the links they are sent: who may do what in their organization,
how long a link in an e-mail holds, and how often one may be asked for."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from domain.errors import RuleViolation
from domain.throttle import ThrottleRule


class OrgRole(StrEnum):
    ORG_ADMIN = "org_admin"  # changes the profile, the bank account and the members
    MEMBER = "member"  # sees and works on all of the organization's applications


class LinkPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a secret
    INVITATION = "invitation"


LINK_LIFETIME: dict[LinkPurpose, timedelta] = {
    LinkPurpose.VERIFY_EMAIL: timedelta(days=7),
    LinkPurpose.PASSWORD_RESET: timedelta(minutes=30),
    LinkPurpose.INVITATION: timedelta(days=7),
}
# Where each link leads (the page that takes its token).
LINK_PATH: dict[LinkPurpose, str] = {
    LinkPurpose.VERIFY_EMAIL: "/verify-email",
    LinkPurpose.PASSWORD_RESET: "/password-reset/confirm",
    LinkPurpose.INVITATION: "/invitations/accept",
}

# Sending again: a few verification mails an hour per user; reset requests per address (429)
# and per account (quietly not sent: the answer never tells whether an address exists).
RESEND_VERIFICATION = ThrottleRule(
    max_hits=3, window=timedelta(hours=1), lockout=timedelta(hours=1)
)
RESET_PER_ADDRESS = ThrottleRule(
    max_hits=10, window=timedelta(minutes=15), lockout=timedelta(minutes=15)
)
RESET_PER_ACCOUNT = ThrottleRule(max_hits=3, window=timedelta(hours=1), lockout=timedelta(hours=1))
# Registration is an anonymous form: a few firms behind one address (a park's network) pass.
REGISTER_PER_ADDRESS = ThrottleRule(
    max_hits=20, window=timedelta(hours=1), lockout=timedelta(hours=1)
)
# Single sign-on's first step is anonymous and writes a row: 30 starts in ten minutes per address.
SIGN_IN_START_PER_ADDRESS = ThrottleRule(
    max_hits=30, window=timedelta(minutes=10), lockout=timedelta(minutes=10)
)


def token_invalid() -> RuleViolation:
    return RuleViolation(
        "token_invalid",
        "This link is not valid: it was used already, has expired, or was never issued. "
        "Ask for a new one.",
        message_zh="该链接无效:可能已使用、已过期或不存在。请重新申请。",
        status=400,
    )


def email_not_verified() -> RuleViolation:
    return RuleViolation(
        "email_not_verified",
        "Verify your e-mail address before submitting: follow the link we sent you, or ask "
        "for it again.",
        message_zh="提交前请先验证电子邮箱:点击我们发送的邮件中的链接,或重新发送验证邮件。",
        status=403,
    )


def check_removal(*, target: OrgRole, other_admins: int, to: OrgRole | None = None) -> None:
    """An organization always keeps an admin: its last one is neither removed nor, `to` a
    member, made one."""
    if target == OrgRole.ORG_ADMIN and to != OrgRole.ORG_ADMIN and other_admins == 0:
        removed = to is None
        raise RuleViolation(
            "last_org_admin",
            "The organization's last admin cannot be "
            + ("removed" if removed else "made a member")
            + ": make another member admin first.",
            message_zh="不能"
            + ("移除" if removed else "取消")
            + "单位的最后一名管理员,请先将另一名成员设为管理员。",
            status=409,
        )
