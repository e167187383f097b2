from __future__ import annotations

from typing import Annotated

import msgspec

from portal.applications.payloads import In
from portal.types import Name


class Payee(In):
    """The account a reward is paid to, confirmed by the firm."""

    account_name: Name
    bank: Name
    account_no: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{8,34}$")]
