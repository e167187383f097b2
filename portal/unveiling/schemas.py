"""The unveiling award (art. 7): national 揭榜挂帅 task winners whose results land in Wuhan."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from portal.applications.payee import Payee
from portal.applications.payloads import Documents, In
from portal.types import LongText, Name, ShortText

TaskList = Literal["ai_innovation", "ai_medical_device", "future_industry_agi"]


class UnveilingAward(In, tag="unveiling_award", tag_field="type"):
    task_list: TaskList | None = None
    task_name: Name | None = None
    task_batch: ShortText | None = None
    certificate_no: (
        Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern=r"^[^\x00]*$")] | None
    ) = None
    transformation_summary: LongText | None = None
    payee: Payee | None = None
    documents: Documents = msgspec.field(default_factory=list)
