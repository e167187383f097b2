"""Document use cases: the bytes go to storage, the facts to the database in one transaction."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import posixpath
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from domain.accounts import STAFF_ROLES
from domain.errors import RuleViolation
from portal.auth.principal import Principal
from portal.documents import schemas as s
from portal.documents.sniff import sniff
from portal.documents.storage import Storage, new_key
from portal.errors import ProblemError
from portal.organizations.services import in_scope
from sql import audit
from sql.pool import transaction
from sql.queries import Q

log = logging.getLogger("portal.documents")

MAX_BYTES = 20 * 1024 * 1024  # 20 MiB, as the issue sets
FILENAME_MAX = 200
_FALLBACK_NAME = "document"


def too_large() -> ProblemError:
    return ProblemError(
        413, "file_too_large", "A document may be at most 20 MiB.", "单个文件不能超过20 MiB。"
    )


def _storage_unavailable() -> ProblemError:
    return ProblemError(
        503,
        "storage_unavailable",
        "Documents cannot be stored or read right now; please try again shortly.",
        "文件存储暂时不可用,请稍后重试。",
        headers={"Retry-After": "5"},
    )


def _not_found() -> ProblemError:
    return ProblemError(404, "not_found", "No document with this id.", "未找到该文件。")


def display_name(raw: str | None) -> str:
    """The uploader's file name made safe to show and to put in a header; never a path."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/")
    name = posixpath.basename(name)
    # Cc: control characters; Cf: invisible format marks such as the right-to-left override.
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = name.strip().lstrip(".").strip()
    if len(name) > FILENAME_MAX:
        _, dot, ext = name.rpartition(".")
        ext = f".{ext}" if dot and len(ext) <= 16 else ""
        name = name[: FILENAME_MAX - len(ext)] + ext
    return name or _FALLBACK_NAME


def _inspect(content: bytes) -> tuple[str | None, bytes]:
    return sniff(content), hashlib.sha256(content).digest()


def _out(row: Any) -> s.DocumentOut:
    return s.DocumentOut(
        id=row["id"],
        filename=row["filename"],
        content_type=row["content_type"],
        size_bytes=row["size_bytes"],
        sha256=bytes(row["sha256"]).hex(),
        created_at=row["created_at"],
    )


async def upload(
    pool: asyncpg.Pool,
    storage: Storage,
    now: datetime,
    principal: Principal,
    filename: str | None,
    content: bytes,
) -> s.DocumentOut:
    if len(content) > MAX_BYTES:
        raise too_large()
    if not content:
        raise RuleViolation(
            "invalid_input", "The file is empty.", field="file", message_zh="文件为空。"
        )
    # Hashing and unzipping 20 MiB would stall every other request on the event loop.
    content_type, digest = await asyncio.to_thread(_inspect, content)
    if content_type is None:
        raise ProblemError(
            415,
            "unsupported_media_type",
            "Only PDF, JPEG, PNG, OFD and XML documents are accepted.",
            "仅接受PDF、JPEG、PNG、OFD和XML格式的文件。",
        )
    name = display_name(filename)
    key = new_key()
    try:
        await storage.put(key, content)
    except OSError as exc:
        log.error("document storage failed: %r", exc)
        raise _storage_unavailable() from exc
    try:
        async with transaction(pool) as conn:
            row = await conn.fetchrow(
                Q.insert_document,
                principal.org_id,
                principal.user_id,
                name,
                content_type,
                len(content),
                digest,
                key,
                now,
            )
            await audit.append(
                conn,
                at=now,
                actor=principal.actor,
                action="document.uploaded",
                entity_type="document",
                entity_id=str(row["id"]),
                data={
                    "org_id": str(principal.org_id) if principal.org_id else None,
                    "filename": name,
                    "content_type": content_type,
                    "size_bytes": len(content),
                    "sha256": digest.hex(),
                },
            )
    except BaseException:
        await _discard(storage, key)
        raise
    return _out(row)


async def _discard(storage: Storage, key: str) -> None:
    # The row was not written, so the file must not stay; a failure here must not hide the cause.
    try:
        await storage.delete(key)
    except Exception:
        log.exception("could not remove unrecorded document %s", key)


async def _readable(pool: asyncpg.Pool, principal: Principal, document_id: UUID) -> Any:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(Q.document_by_id, document_id)
        if row is None:
            raise _not_found()
        # Staff read the documents of the organizations within their scope: for a district's,
        # registered there or with an application lodged there (a draft opens nothing).
        staff = principal.has_any(*STAFF_ROLES) and (
            principal.city
            or (row["org_id"] is not None and await in_scope(conn, principal, row["org_id"]))
        )
    member = principal.org_id is not None and principal.org_id == row["org_id"]
    if not (staff or member):
        raise _not_found()  # not 403: another organization must not learn the id exists
    return row


async def meta(pool: asyncpg.Pool, principal: Principal, document_id: UUID) -> s.DocumentOut:
    return _out(await _readable(pool, principal, document_id))


@dataclass(frozen=True)
class Download:
    meta: s.DocumentOut
    chunks: AsyncIterator[bytes]


async def download(
    pool: asyncpg.Pool, storage: Storage, principal: Principal, document_id: UUID
) -> Download:
    row = await _readable(pool, principal, document_id)
    try:
        chunks = await storage.open(row["storage_key"])
    except OSError as exc:
        log.error("document storage failed: %r", exc)
        raise _storage_unavailable() from exc
    return Download(_out(row), chunks)
