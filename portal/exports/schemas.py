from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

import msgspec


class JobIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    format: Annotated[Literal["xlsx"], msgspec.Meta(description="The file to make; only xlsx")]


class JobOut(msgspec.Struct, kw_only=True):
    id: UUID
    format: Literal["xlsx"]
    state: Literal["queued", "running", "done", "failed"]
    rows_done: int
    rows_total: Annotated[
        int | None, msgspec.Meta(description="Counted when a worker starts; null before")
    ]
    percent: Annotated[int, msgspec.Meta(ge=0, le=100, description="100 only once done")]
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download: Annotated[
        str | None, msgspec.Meta(description="Where to fetch the file once done; else null")
    ]
