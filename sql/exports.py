"""The workbook of every application: written in constant memory, off the event loop.

The portal's streamed GET and the workers' export jobs both write it with `write_xlsx`. Rows come
from a server-side cursor in batches, in one read-only REPEATABLE READ transaction, so the count
taken first is exactly the number of rows written. Each batch goes to xlsxwriter in a thread
while the next one is fetched; the event loop only waits.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, Final
from uuid import UUID

import asyncpg
import xlsxwriter

from sql.queries import Q

BATCH: Final = 5000
SHEET_ROWS: Final = 1_048_576  # Excel's limit per worksheet, the header row included

# (heading, kind, width) per column of Q.export_applications, in its order. _FREE: text that
# applicants or organizations write (what Q.export_applications_csv passes through csv_safe).
_TEXT, _FREE, _NUMBER, _MONEY = "text", "free", "number", "money"
COLUMNS: Final = (
    ("reference", _FREE, 20),
    ("type", _TEXT, 18),
    ("status", _TEXT, 12),
    ("program", _TEXT, 17),
    ("program_version", _NUMBER, 8),
    ("organization", _FREE, 32),
    ("uscc", _TEXT, 20),
    ("title", _FREE, 40),
    ("amount_requested", _MONEY, 16),
    ("amount_approved", _MONEY, 16),
    ("created_at", _TEXT, 20),
    ("submitted_at", _TEXT, 20),
    ("payee_account_name", _FREE, 32),
    ("payee_bank", _FREE, 28),
    ("payee_account_no", _FREE, 26),
    ("id", _TEXT, 38),
)
HEADERS: Final = [name for name, _, _ in COLUMNS]

_FORMULA_LEADS: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value` for a spreadsheet's text cell: one a spreadsheet could take for a formula (it
    begins with =, +, -, @, a tab or a carriage return) gets a leading ' (API.md); the SQL
    function csv_safe (migration 0021) is the same rule for CSV."""
    return "'" + value if value.startswith(_FORMULA_LEADS) else value


Progress = Callable[[int, int], Awaitable[None]]
"""Called with (rows written, rows in all) once before the first row and after every batch."""


def exports_folder(data_dir: Path) -> Path:
    return data_dir / "exports"


def job_file(data_dir: Path, job_id: UUID) -> Path:
    """Where an export job's finished workbook lives; the portal and the workers agree on it."""
    return exports_folder(data_dir) / f"{job_id}.xlsx"


def remove_job_files(data_dir: Path, job_id: UUID) -> None:
    """The job's workbook and what any attempt at it left (blocking: call in a thread)."""
    for path in exports_folder(data_dir).glob(f"{job_id}.*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


class _Book:
    """One workbook being written; only ever touched by one thread at a time."""

    def __init__(self, path: Path, sheet_rows: int, tmpdir: Path) -> None:
        self.path = path
        self.workbook = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "tmpdir": str(tmpdir)}
        )
        self.money = self.workbook.add_format({"num_format": "#,##0.00"})
        self.bold = self.workbook.add_format({"bold": True})
        self.sheet_rows = sheet_rows
        self.sheets = 0
        self.sheet: Any = None
        self.row = sheet_rows  # no sheet yet: the first row opens one

    def _next_sheet(self) -> None:
        self.sheets += 1
        name = "applications" if self.sheets == 1 else f"applications {self.sheets}"
        self.sheet = self.workbook.add_worksheet(name)
        for col, (heading, _, width) in enumerate(COLUMNS):
            self.sheet.set_column(col, col, width)
            self.sheet.write_string(0, col, heading, self.bold)
        self.sheet.freeze_panes(1, 0)
        self.row = 1

    def write(self, rows: Sequence[asyncpg.Record]) -> int:
        kinds = [kind for _, kind, _ in COLUMNS]
        for record in rows:
            if self.row >= self.sheet_rows:
                self._next_sheet()
            sheet, n = self.sheet, self.row
            for col, kind in enumerate(kinds):
                value = record[col]
                if value is None:
                    continue
                if kind == _MONEY:
                    sheet.write_number(n, col, value, self.money)  # Decimal with two places
                elif kind == _NUMBER:
                    sheet.write_number(n, col, value)
                elif kind == _FREE:
                    sheet.write_string(n, col, safe_text(value))
                else:
                    # Always a string cell: nothing in it is ever read as a formula.
                    sheet.write_string(n, col, str(value))
            self.row += 1
        return len(rows)

    def close(self) -> None:
        if self.sheet is None:
            self._next_sheet()  # no rows: still the headings
        self.workbook.close()

    def discard(self) -> None:
        """Drop an unfinished workbook: xlsxwriter's temporary row files and any partial file."""
        for sheet in self.workbook.worksheets():
            if (handle := getattr(sheet, "row_data_fh", None)) is not None:
                handle.close()
            if (name := getattr(sheet, "row_data_filename", None)) is not None:
                Path(name).unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)


async def write_xlsx(
    pool: asyncpg.Pool,
    path: Path,
    *,
    progress: Progress | None = None,
    batch: int = BATCH,
    sheet_rows: int = SHEET_ROWS,
    tmpdir: Path | None = None,
    districts: list[str] | None = None,
) -> int:
    """Write every application (of `districts`, when given) to `path`; returns the rows.

    xlsxwriter keeps its row files (as big as the sheet's XML) in `tmpdir`, by default beside
    `path`: the workers keep both on the data volume, not in a RAM-backed /tmp. On any failure
    (an exception from `progress` included) `path` and those files are removed and the error
    raised. Past `sheet_rows` the rows go on in a new worksheet.
    """
    book = await asyncio.to_thread(_Book, path, sheet_rows, tmpdir or path.parent)
    busy: asyncio.Task[Any] | None = None  # the thread's work in flight
    done = 0
    try:
        async with (
            pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            total: int = await conn.fetchval(Q.export_row_count, districts)
            if progress is not None:
                await progress(0, total)
            cursor = await conn.cursor(Q.export_applications, districts)
            while True:
                rows = await cursor.fetch(batch)  # while the previous batch is being written
                if busy is not None:
                    done += await asyncio.shield(busy)  # cancelled or not, the thread goes on
                    busy = None
                    if progress is not None:
                        await progress(done, total)
                if not rows:
                    break
                busy = asyncio.create_task(asyncio.to_thread(book.write, rows))
        busy = asyncio.create_task(asyncio.to_thread(book.close))
        await asyncio.shield(busy)
    except BaseException:
        if busy is not None:  # a thread cannot be stopped: let it end before its files go
            await asyncio.wait({busy})
            if not busy.cancelled():
                busy.exception()  # seen here; the error being raised says what went wrong
        await asyncio.to_thread(book.discard)
        raise
    return done
