"""Exports of applications, streamed: CSV straight from PostgreSQL's COPY, XLSX row by row."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator

import asyncpg
import xlsxwriter

from sql.queries import Q

HEADERS = [
    "reference",
    "type",
    "status",
    "program",
    "program_version",
    "organization",
    "uscc",
    "title",
    "amount_requested",
    "amount_approved",
    "created_at",
    "submitted_at",
    "id",
]


CHUNK = 256 * 1024  # what is handed to the server at once; asyncpg's pieces are ~8 KB


async def csv_chunks(pool: asyncpg.Pool) -> AsyncIterator[bytes]:
    """COPY … TO STDOUT into a bounded queue: memory stays flat however many rows there are.

    asyncpg's pieces are gathered into CHUNK-sized ones, so the server writes (and the client
    reads) a few hundred HTTP chunks per million rows rather than tens of thousands; the queue
    holds at most 16 of them.
    """
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=16)
    pending = bytearray()

    async def sink(piece: bytes) -> None:
        pending.extend(piece)  # asyncpg reuses its buffer: copy it now
        if len(pending) >= CHUNK:
            await queue.put(bytes(pending))
            pending.clear()

    async def produce() -> None:
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SET LOCAL DateStyle = ISO")  # see Q.export_applications_csv
                await conn.copy_from_query(
                    Q.export_applications_csv, output=sink, format="csv", header=True
                )
            if pending:
                await queue.put(bytes(pending))
        finally:
            await queue.put(None)

    task = asyncio.create_task(produce())
    yield "\ufeff".encode()  # so Excel reads the Chinese as UTF-8
    try:
        while (chunk := await queue.get()) is not None:
            yield chunk
        await task
    finally:
        task.cancel()


async def xlsx_file(pool: asyncpg.Pool) -> str:
    """Write the workbook to a temp file in constant memory; the caller streams and removes it."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("applications")
    money = workbook.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, HEADERS)
    row_no = 1
    async with pool.acquire() as conn, conn.transaction():
        async for r in conn.cursor(Q.export_applications, prefetch=2000):
            values = list(r.values())
            for col, value in enumerate(values):
                if value is None:
                    continue
                if col in (8, 9):
                    sheet.write_number(row_no, col, value, money)  # Decimal with two places
                else:
                    sheet.write(row_no, col, str(value) if col == 12 else value)
            row_no += 1
    await asyncio.to_thread(workbook.close)
    return path
