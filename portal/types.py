"""Field types shared by request schemas: bounded text with no NUL (PostgreSQL cannot store it)."""

from __future__ import annotations

from typing import Annotated

import msgspec

_NO_NUL = r"^[^\x00]*$"

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_NO_NUL)]
ShortText = Annotated[str, msgspec.Meta(max_length=200, pattern=_NO_NUL)]
LongText = Annotated[str, msgspec.Meta(max_length=10_000, pattern=_NO_NUL)]
Email = Annotated[
    str,
    msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$"),
]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=_NO_NUL)]
Phone = Annotated[str, msgspec.Meta(min_length=5, max_length=30, pattern=r"^[0-9+()\- ]+$")]
UsccText = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=_NO_NUL)]
