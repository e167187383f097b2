"""Field types shared by request schemas: bounded text with no NUL (PostgreSQL cannot store it)."""

from __future__ import annotations

from typing import Annotated

import msgspec

_NO_NUL = r"^[^\x00]*$"
# Something besides spaces (a name of blanks would be stored stripped, as nothing), and no NUL.
_NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_NOT_BLANK)]
ShortText = Annotated[str, msgspec.Meta(max_length=200, pattern=_NO_NUL)]
LongText = Annotated[str, msgspec.Meta(max_length=10_000, pattern=_NO_NUL)]
Email = Annotated[
    str,
    msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$"),
]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=_NO_NUL)]
Phone = Annotated[
    str, msgspec.Meta(min_length=5, max_length=30, pattern=r"^[0-9+()\- ]*[0-9][0-9+()\- ]*$")
]
UsccText = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=_NO_NUL)]

# What a pattern means, for the message that refuses a value not matching it (English, Chinese).
PATTERN_MEANING: dict[str, tuple[str, str]] = {
    _NO_NUL: ("must not contain a NUL character", "不得包含空字符"),
    _NOT_BLANK: ("must not be blank nor hold a NUL character", "不能为空,且不得包含空字符"),
    r"^[0-9+()\- ]*[0-9][0-9+()\- ]*$": (
        "must be a telephone number: digits, spaces and + - ( )",
        "应为电话号码:数字、空格及 + - ( )",
    ),
    r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$": (
        "must be an e-mail address such as name@example.cn",
        "应为电子邮箱地址,如 name@example.cn",
    ),
    r"^[0-9]{8,34}$": ("must be the account number: 8 to 34 digits", "应为银行账号:8至34位数字"),
}
