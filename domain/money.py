"""Money as integer fen (分): the one type every amount in the portal goes through.

Amounts are never floats: a float cannot hold 0.01 exactly, and the policy's caps are
compared to the fen. The wire format is a string of yuan with at most two decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from domain.errors import RuleViolation

#: Largest amount the API accepts, in yuan (10^12 yuan is far above any budget, and keeps
#: every product rate × amount well inside exact integer arithmetic).
MAX_YUAN = 10**12
MAX_FEN = MAX_YUAN * 100

_FEN_PER_YUAN = 100
_FEN_PER_WAN = 1_000_000  # 1万元 = 10,000 yuan
_BP_WHOLE = 10_000  # basis points in 100 %

# ASCII digits only ([0-9], not \d, which also matches other scripts' digits); no leading
# zeros except a lone "0"; one or two decimals when there is a point.
_MONEY_RE = re.compile(r"(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?")
# Longer than "1000000000000.00" can only be out of range or malformed: refuse before regex.
_MAX_TEXT_LEN = 24


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount of CNY in integer fen. Negative values exist only as differences."""

    fen: int
    ZERO: ClassVar[Money]

    def __post_init__(self) -> None:
        # bool is an int subclass; a True slipping in would read as one fen.
        if type(self.fen) is not int:
            raise TypeError(f"Money.fen must be int, got {type(self.fen).__name__}")

    @classmethod
    def yuan(cls, amount: int) -> Money:
        """Whole yuan: `Money.yuan(2_000_000)` is 2,000,000.00."""
        if type(amount) is not int:
            raise TypeError(f"Money.yuan takes an int, got {type(amount).__name__}")
        return cls(amount * _FEN_PER_YUAN)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.fen - other.fen)

    def __bool__(self) -> bool:
        return self.fen != 0

    def percent_of(self, rate_bp: int) -> Money:
        """`rate_bp` basis points (5000 = 50 %) of this amount, truncated to the fen.

        The policy pays "up to" a share, so a fraction of a fen is never rounded up.
        """
        if self.fen < 0 or rate_bp < 0:
            raise ValueError("percent_of takes a non-negative amount and rate")
        return Money(self.fen * rate_bp // _BP_WHOLE)

    def _parts(self) -> tuple[str, int, int]:
        sign = "-" if self.fen < 0 else ""
        whole, frac = divmod(abs(self.fen), _FEN_PER_YUAN)
        return sign, whole, frac

    def __str__(self) -> str:
        """Wire format: `"1234.56"`, always two decimals, no separators."""
        return fen_text(self.fen)

    def grouped(self) -> str:
        """`"1,234,567.89"`: the form used in breakdown lines and rule texts."""
        sign, whole, frac = self._parts()
        return f"{sign}{whole:,}.{frac:02d}"

    def display(self) -> str:
        """`"¥1,234,567.89"` for people."""
        sign, whole, frac = self._parts()
        return f"{sign}¥{whole:,}.{frac:02d}"

    def display_wan(self) -> str:
        """Amount in 万元 for reading, beside the exact yuan: a whole number of 万 as it is
        (2,000,000.00 → `"200万元"`), anything else to two decimals, half up (12,345.67 →
        `"1.23万元"`, 4,400,000.50 → `"440.00万元"`)."""
        return self._for_reading(_FEN_PER_WAN, "万元")

    def display_millions(self) -> str:
        """The same for English readers, in millions of yuan: `"2 million yuan"`,
        1,172,839.45 → `"1.17 million yuan"`."""
        return self._for_reading(100 * _FEN_PER_WAN, " million yuan")

    def _for_reading(self, unit: int, suffix: str) -> str:
        sign = "-" if self.fen < 0 else ""
        whole, rest = divmod(abs(self.fen), unit)
        if rest == 0:
            return f"{sign}{whole}{suffix}"
        hundredths, left = divmod(abs(self.fen), unit // 100)
        hundredths += left * 2 >= unit // 100
        return f"{sign}{hundredths // 100}.{hundredths % 100:02d}{suffix}"


Money.ZERO = Money(0)


def fen_text(fen: int) -> str:
    """`str(Money(fen))` without building a Money: lists write thousands of amounts."""
    whole, frac = divmod(abs(fen), _FEN_PER_YUAN)
    return f"-{whole}.{frac:02d}" if fen < 0 else f"{whole}.{frac:02d}"


def _invalid(field: str, en: str, zh: str) -> RuleViolation:
    return RuleViolation("invalid_input", en, field=field, message_zh=zh)


def parse_money(text: object, field: str = "amount") -> Money:
    """Parse an API amount: a string of yuan with at most two decimals, 0 to 10^12 yuan.

    Strict on purpose: a number (float) may already have lost a fen, and lenient forms
    ("1e5", " 12", "1,000") are where two systems disagree about the amount.
    """
    if not isinstance(text, str):
        raise _invalid(
            field,
            'Give the amount as a string of yuan, such as "1234.56", not as a number.',
            '金额须以字符串形式填写(单位:元),例如 "1234.56",不能填写数字类型。',
        )
    if text.startswith("-"):
        raise _invalid(
            field,
            "The amount must not be negative.",
            "金额不能为负数。",
        )
    match = _MONEY_RE.fullmatch(text) if len(text) <= _MAX_TEXT_LEN else None
    if match is None:
        raise _invalid(
            field,
            'Write the amount in yuan with digits and at most two decimals, such as "1234.56" '
            "(no sign, spaces, thousands separators, leading zeros or exponent).",
            '金额应为以元为单位的数字,最多两位小数,例如 "1234.56"'
            "(不含正负号、空格、千分位分隔符、前导零或科学计数法)。",
        )
    whole, decimals = match.group(1), match.group(2) or ""
    fen = int(whole) * _FEN_PER_YUAN + int(decimals.ljust(2, "0"))
    if fen > MAX_FEN:
        raise _invalid(
            field,
            f"The amount must not exceed {Money(MAX_FEN)} yuan.",
            f"金额不能超过{Money(MAX_FEN)}元。",
        )
    return Money(fen)
