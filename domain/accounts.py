"""Who may use the portal: roles, e-mail normalization, password and login-throttle rules."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from domain.errors import RuleViolation
from domain.throttle import ThrottleRule


class Role(StrEnum):
    REVIEWER = "reviewer"  # 初审
    APPROVER = "approver"  # 复核
    FINANCE = "finance"  # 拨付
    ADMIN = "admin"
    AUDITOR = "auditor"  # read-only


STAFF_ROLES = frozenset(Role)

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128


def normalize_email(raw: str) -> str:
    return raw.strip().lower()


def check_password(password: str, *, email: str, field: str = "password") -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise RuleViolation(
            "weak_password",
            f"Use at least {PASSWORD_MIN_LENGTH} characters.",
            message_zh=f"密码至少需要{PASSWORD_MIN_LENGTH}个字符。",
            field=field,
        )
    if password.strip().lower() == email.strip().lower():
        raise RuleViolation(
            "weak_password",
            "The password must not be the e-mail address.",
            message_zh="密码不能与电子邮箱相同。",
            field=field,
        )


# An account is a narrower target than an address (offices share one NAT address).
ACCOUNT_THROTTLE = ThrottleRule(
    max_hits=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15)
)
ADDRESS_THROTTLE = ThrottleRule(
    max_hits=20, window=timedelta(minutes=15), lockout=timedelta(minutes=15)
)
