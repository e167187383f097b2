"""The one XLSX writer (`sql.exports.write_xlsx`): batches, progress, sheets, and the event loop."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from sql import exports
from sql.exports import HEADERS, write_xlsx
from tests.factories import register
from tests.portal.flows import create, filing_body
from tests.xlsx import read_xlsx


async def applications(client: AsyncTestClient, n: int, title: str = "导出") -> list[str]:
    org = await register(client, name="武汉导出测试科技有限公司")
    return [
        (await create(client, org["token"], filing_body(title=f"{title} {i}")))["id"]
        for i in range(n)
    ]


async def test_batches_report_progress_and_every_row_is_written(
    client: AsyncTestClient, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    ids = await applications(client, 5)
    await pool.execute(
        "UPDATE applications SET amount_requested_fen = 123456789 WHERE id = $1", min(ids)
    )
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    path = tmp_path / "a.xlsx"
    assert await write_xlsx(pool, path, progress=progress, batch=2) == 5
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
    [sheet] = read_xlsx(path.read_bytes())
    assert sheet.name == "applications" and sheet.rows[0] == HEADERS
    assert [row[HEADERS.index("id")] for row in sheet.rows[1:]] == sorted(
        ids
    )  # created at one instant: by id
    first = dict(zip(HEADERS, sheet.rows[1], strict=True))
    assert first["title"] == f"导出 {ids.index(min(ids))}"
    assert first["organization"] == "武汉导出测试科技有限公司"
    assert first["status"] == "draft" and first["program_version"] == "1"
    assert first["amount_requested"] == "1234567.89"  # a number cell, formatted as money
    assert first["amount_approved"] is None and first["submitted_at"] is None
    assert first["created_at"] == "2026-03-02 10:00:00"  # in China's time, as the CSV


async def test_past_the_sheet_limit_rows_go_on_in_a_new_sheet(
    client: AsyncTestClient, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    ids = await applications(client, 5)
    path = tmp_path / "a.xlsx"
    assert await write_xlsx(pool, path, batch=4, sheet_rows=3) == 5
    sheets = read_xlsx(path.read_bytes())
    assert [s.name for s in sheets] == ["applications", "applications 2", "applications 3"]
    assert all(s.rows[0] == HEADERS for s in sheets)
    assert [r[HEADERS.index("id")] for s in sheets for r in s.rows[1:]] == sorted(ids)


async def test_text_that_looks_like_a_formula_stays_text(
    client: AsyncTestClient, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await applications(client, 1, title='=HYPERLINK("http://evil.example","点我")')
    path = tmp_path / "a.xlsx"
    await write_xlsx(pool, path)
    [sheet] = read_xlsx(path.read_bytes())
    assert sheet.formulas == 0
    # And a spreadsheet that reads text as input still sees text: a leading ' (API.md).
    assert sheet.rows[1][7] == '\'=HYPERLINK("http://evil.example","点我") 0'


async def test_no_rows_is_a_workbook_with_its_headings(pool: asyncpg.Pool, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    path = tmp_path / "a.xlsx"
    assert await write_xlsx(pool, path, progress=progress) == 0
    assert seen == [(0, 0)]
    assert [s.rows for s in read_xlsx(path.read_bytes())] == [[HEADERS]]


async def test_a_failure_leaves_no_file(
    client: AsyncTestClient, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await applications(client, 3)

    async def progress(done: int, total: int) -> None:
        if done:
            raise RuntimeError("stop")

    path = tmp_path / "a.xlsx"
    path.write_bytes(b"an older file")
    with pytest.raises(RuntimeError, match="stop"):
        await write_xlsx(pool, path, progress=progress, batch=1)
    assert not path.exists()


async def test_the_event_loop_runs_while_a_batch_is_written(
    client: AsyncTestClient, pool: asyncpg.Pool, tmp_path: Path, monkeypatch: Any
) -> None:
    """Each batch is written in a thread: a slow batch does not stall other tasks."""
    await applications(client, 3)
    write = exports._Book.write

    def slow_write(self: Any, rows: Any) -> int:
        time.sleep(0.3)  # as a big batch would take, holding no await
        return write(self, rows)

    monkeypatch.setattr(exports._Book, "write", slow_write)
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    try:
        await write_xlsx(pool, tmp_path / "a.xlsx", batch=1)
    finally:
        ticking.cancel()
    assert len(gaps) > 50 and max(gaps) < 0.2, max(gaps)
