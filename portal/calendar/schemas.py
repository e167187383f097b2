from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from portal.types import Name


class DayOut(msgspec.Struct):
    day: dt.date
    kind: Literal["holiday", "workday"]
    name: str
    name_zh: str
    name_en: str


class DayList(msgspec.Struct):
    year: int
    items: list[DayOut]


class DayIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: Literal["holiday", "workday"]
    name_zh: Name
    name_en: Name


class WorkingDaysOut(msgspec.Struct):
    start: dt.date
    days: int
    end: dt.date
