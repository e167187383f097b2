from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from portal.applications.payloads import MoneyText


class DisbursementIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    paid_on: dt.date
    amount: MoneyText
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
