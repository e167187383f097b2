from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile


@dataclass
class UploadIn:
    """The multipart form: one part named `file`."""

    file: UploadFile


class DocumentOut(msgspec.Struct):
    id: UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str  # hex
    created_at: datetime
