"""Where document bytes live: a small interface, and local files behind it.

Keys are made by the server (`new_key`), so nothing a client sends ever becomes a path. Another
backend (S3-compatible storage) only has to provide the three methods of `Storage`.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO, Protocol
from uuid import uuid4

from sql.settings import Settings

CHUNK_BYTES = 256 * 1024
_KEY = re.compile(r"^[0-9a-f]{32}$")


class MissingObject(Exception):
    """A key the database knows has no bytes in storage: a fault, never the client's."""


def new_key() -> str:
    return uuid4().hex


class Storage(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """Check the object exists (raising MissingObject), then give its bytes in chunks."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error."""
        ...


class LocalStorage:
    """Files under `<root>/<first 2 chars of key>/<key>`, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("storage keys are server-made uuid4 hex strings")
        return self.root / key[:2] / key

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.path_of(key), data)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self.path_of(key)
        try:
            file = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise MissingObject(key) from None
        return _chunks(file)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path_of(key).unlink, missing_ok=True)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A reader never sees half a file: write beside it, flush to disk, then rename over.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk too.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


async def _chunks(file: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(file.read, CHUNK_BYTES):
            yield chunk
    finally:
        file.close()


def storage_for(settings: Settings) -> Storage:
    return LocalStorage(settings.data_dir / "documents")
