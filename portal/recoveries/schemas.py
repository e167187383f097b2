from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from portal.applications.payloads import MoneyText
from portal.payments.schemas import BankReference
from portal.types import LongText


class RecoveryIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    amount: MoneyText
    due_on: dt.date
    reason: Annotated[LongText, msgspec.Meta(min_length=1)]


class RepaymentIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    amount: MoneyText
    paid_on: dt.date
    reference: BankReference
