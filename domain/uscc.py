"""统一社会信用代码 (Unified Social Credit Code), GB 32100-2015."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import RuleViolation

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 ... 28
WUHAN_DIVISION_PREFIX = "4201"


@dataclass(frozen=True, slots=True)
class Uscc:
    code: str

    @property
    def division_code(self) -> str:
        """Characters 3-8: the registering authority's administrative division (GB/T 2260)."""
        return self.code[2:8]

    @property
    def registered_in_wuhan(self) -> bool:
        return self.division_code.startswith(WUHAN_DIVISION_PREFIX)


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(raw: str) -> str:
    return "".join(raw.split()).upper()


def parse_uscc(raw: str, field: str = "uscc") -> Uscc:
    """Normalize case and spaces, then check alphabet, length and the check character."""
    code = normalize(raw)
    if len(code) != 18:
        raise RuleViolation(
            "invalid_uscc",
            f"A USCC has 18 characters; this one has {len(code)}.",
            message_zh=f"统一社会信用代码应为18位,当前为{len(code)}位。",
            field=field,
        )
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise RuleViolation(
            "invalid_uscc",
            f"A USCC cannot contain {''.join(bad)} (I, O, S, V and Z are never used).",
            message_zh=f"统一社会信用代码不能包含字符 {''.join(bad)}(不使用 I、O、S、V、Z)。",
            field=field,
        )
    if check_character(code[:17]) != code[17]:
        raise RuleViolation(
            "invalid_uscc",
            "The check character (the 18th) does not match: please re-check the code.",
            message_zh="统一社会信用代码校验位(第18位)不符,请核对后重新输入。",
            field=field,
        )
    return Uscc(code)
